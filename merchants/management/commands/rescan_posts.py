from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import ServiceError
from lexicon.models import LexiconVersion
from lexicon.services import lexicon_active_version
from merchants.rescan import rescan_start


class Command(BaseCommand):
    help = "Rescan stored posts with a lexicon version (default: the active one). 重新扫描。"

    def add_arguments(self, parser):
        parser.add_argument("--lexicon-version", type=int, default=None)
        parser.add_argument("--region", default="", help="GB/T 2260 prefix, e.g. 44 or 4401")
        parser.add_argument("--since", default=None, help="YYYY-MM-DD (captured at or after)")
        parser.add_argument("--until", default=None, help="YYYY-MM-DD (captured before)")

    def handle(self, *args, lexicon_version, region, since, until, **options):
        version = lexicon_version
        found = (
            lexicon_active_version()
            if version is None
            else LexiconVersion.objects.filter(number=version).first()
        )
        if found is None:
            raise CommandError(f"no lexicon version {version}")
        try:
            job = rescan_start(
                version=found,
                actor=None,
                region_prefix=region,
                captured_from=_date(since, "--since"),
                captured_to=_date(until, "--until"),
            )
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        job.refresh_from_db()
        self.stdout.write(
            f"rescan #{job.pk} with v{found.number}: {job.done}/{job.total} posts done "
            f"({job.changed} changed), state {job.state}"
        )


def _date(value, flag):
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d")  # noqa: DTZ007 - made aware below
    except ValueError:
        raise CommandError(f"{flag} must be YYYY-MM-DD, got {value!r}") from None
    return timezone.make_aware(day)
