"""Read the images waiting to be read, in this process: what the ``ocr`` worker does, for a
setup without a broker (the web process never reads: ``imaging.signals``)."""

import time

from django.core.management.base import BaseCommand

from imaging.models import ImageText
from imaging.services.images import MAX_ATTEMPTS
from imaging.tasks import read_image


class Command(BaseCommand):
    help = (
        "Read pending images (OCR and QR codes) in this process, oldest first; without a broker "
        "this is how they are read (--loop N: keep going, looking again every N seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many per pass")
        parser.add_argument("--loop", type=float, default=0, help="seconds between passes")

    def handle(self, *args, limit: int, loop: float, **options):
        while True:
            ids = list(
                ImageText.objects.filter(state=ImageText.State.PENDING, attempts__lt=MAX_ATTEMPTS)
                .order_by("requested_at", "id")
                .values_list("id", flat=True)[:limit]
            )
            for image_text_id in ids:
                read_image(image_text_id)  # records a failure on the row itself
            done = ImageText.objects.filter(pk__in=ids).exclude(state=ImageText.State.PENDING)
            self.stdout.write(f"read {done.count()} of {len(ids)} pending image(s)")
            if not loop:
                return
            time.sleep(loop)
