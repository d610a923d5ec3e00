"""Erase complainants' personal data, keeping the cases and their statistics.

manage.py complaints_erase WS-XXXX-XXXX-XXXX --reason "deletion request 2026-11-02"
manage.py complaints_erase --retention     # every case closed longer than the retention
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.models import Case
from complaints.services import case_pii_erase


class Command(BaseCommand):
    help = "Erase the person (name, phone, address, ID, e-mail) and keep the case."

    def add_arguments(self, parser):
        parser.add_argument("tracking_numbers", nargs="*")
        parser.add_argument("--reason", default="")
        parser.add_argument(
            "--retention",
            action="store_true",
            help="erase every case closed more than COMPLAINTS_RETENTION_DAYS ago",
        )

    def handle(self, *args, tracking_numbers, reason, retention, **options):
        if not tracking_numbers and not retention:
            raise CommandError("name tracking numbers or pass --retention")
        cases = Case.objects.none()
        if tracking_numbers:
            cases = Case.objects.filter(tracking_number__in=tracking_numbers)
            missing = set(tracking_numbers) - set(cases.values_list("tracking_number", flat=True))
            if missing:
                raise CommandError(f"unknown tracking numbers: {', '.join(sorted(missing))}")
            if not reason:
                raise CommandError("--reason is required for a deletion request")
        if retention:
            cutoff = timezone.now() - datetime.timedelta(days=settings.COMPLAINTS_RETENTION_DAYS)
            cases = cases | Case.objects.filter(
                status=Case.Status.CLOSED, closed_at__lt=cutoff, pii_erased_at__isnull=True
            )
            reason = reason or f"retention: closed before {cutoff:%Y-%m-%d}"
        count = 0
        for case in cases.distinct().iterator():
            case_pii_erase(case=case, reason=reason)
            count += 1
        self.stdout.write(f"erased personal data of {count} case(s)")
