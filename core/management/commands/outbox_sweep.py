from django.core.management.base import BaseCommand

from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Publish again queued work that was never picked up (also runs every minute in beat)."

    def handle(self, *args, **options):
        count = outbox_sweep()
        self.stdout.write(f"republished {count} queued task(s)")
