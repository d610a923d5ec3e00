from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import load_demo


class Command(BaseCommand):
    help = "Load demo data (idempotent: running it twice changes nothing). 载入演示数据。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="allow with DEBUG off (never on a real deployment)"
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("load_demo creates a known password; run it only with DEBUG=1")
        # No outer transaction: demo posts are scanned as soon as each batch is stored, so the
        # report can say who is in the review queue.
        report = load_demo()
        for line in report:
            self.stdout.write(line)
