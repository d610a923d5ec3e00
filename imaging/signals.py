"""Every image that enters is read: the lower apps' own model signals (a complaint's evidence,
a campaign snapshot's image) request a read in the transaction that stores the image, and the
request is published to the ``ocr`` queue after commit, from a background thread — never from
the request, and never waiting for the broker (``imaging.tasks.OCR_REQUESTS``). Without a broker
nothing is published: the pending rows wait for ``manage.py images_read_pending``."""

from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_save

from imaging.services.images import IMAGE_KINDS, image_text_request
from imaging.tasks import OCR_REQUESTS


def connect() -> None:
    post_save.connect(
        evidence_stored, sender="complaints.Evidence", dispatch_uid="imaging-evidence"
    )
    post_save.connect(snapshot_stored, sender="campaigns.Snapshot", dispatch_uid="imaging-snapshot")


def evidence_stored(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw or not settings.OCR_ENABLED or instance.kind not in IMAGE_KINDS:
        return
    row = image_text_request(
        origin="evidence",
        file_name=instance.file.name,
        sha256=instance.sha256,
        evidence=instance,
        region_code=instance.case.region_code,
        new_holder=True,
    )
    publish_after_commit(row.pk)


def snapshot_stored(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw or not settings.OCR_ENABLED or not instance.image:
        return
    if instance.corrects_id is not None:
        return  # a correction carries no new image
    row = image_text_request(
        origin="snapshot",
        file_name=instance.image.name,
        sha256=instance.image_sha256,
        snapshot=instance,
        region_code=instance.campaign.merchant.region_code,
        new_holder=True,
    )
    publish_after_commit(row.pk)


def publish_after_commit(image_text_id: int) -> None:
    """For callers of ``image_text_request`` (the WeChat channel too): publish once committed."""
    transaction.on_commit(partial(_publish, image_text_id))


def _publish(image_text_id: int) -> None:
    if connection.in_atomic_block:
        # Still inside an outer transaction (a test's, around the whole test): another
        # connection could not see the row yet. It stays pending for the sweeper.
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker: a read (~0.3–1 s of CPU and ~0.5 GB) never runs in the web process. The
        # row stays pending until `manage.py images_read_pending` (or an `ocr` worker) reads it.
        return
    OCR_REQUESTS.submit([image_text_id])
