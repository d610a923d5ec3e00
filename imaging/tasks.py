"""Celery tasks of the imaging app; the OCR read runs in its own queue, ``ocr``, served by a
worker of one process and one thread (``make worker-ocr``; docs/imaging.md)."""

import atexit
import logging
import os
import threading

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from core.outbox import BackgroundPublisher
from imaging.services.images import image_read, image_read_failed, images_sweep_pending

log = logging.getLogger(__name__)
# Tasks of the project's app, not Celery's default one: a web process imports no other module
# that creates it, and without a broker it runs the read in the publisher thread (eager).

OCR_QUEUE = "ocr"


@shared_task(
    name="imaging.read_image",
    soft_time_limit=settings.OCR_SOFT_TIME_LIMIT,
    time_limit=settings.OCR_TIME_LIMIT,
)
def read_image(image_text_id: int) -> None:
    try:
        image_read(image_text_id=image_text_id)
    except SoftTimeLimitExceeded:
        image_read_failed(image_text_id=image_text_id, error="识别超时")
    except Exception as exc:
        # Unreadable file, database error…: recorded; the sweeper tries again (3 times at most).
        log.exception("reading image %s failed", image_text_id)
        image_read_failed(image_text_id=image_text_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="imaging.sweep_pending")
def sweep_pending() -> int:
    found = images_sweep_pending()
    left = OCR_REQUESTS.publish(found)  # in a worker: at once, nothing waits on it
    return len(found) - len(left)


class OcrRequests(BackgroundPublisher):
    """Publishes read requests from a background thread of each process. Without a broker a
    web process submits nothing (``imaging.signals``: the rows wait for ``manage.py
    images_read_pending``); a read that is published anyway without one runs on this thread."""

    name = "ocr-publisher"

    def publish(self, ids: list[int]) -> list[int]:
        _lowest_priority()
        for i, image_text_id in enumerate(ids):
            try:
                read_image.apply_async(args=[image_text_id], queue=OCR_QUEUE)
            except Exception as exc:
                log.warning("read of image %s not published: %s", image_text_id, exc)
                return ids[i:]  # the rows stay pending; the sweeper publishes them later
        return []


def _lowest_priority() -> None:
    """The publisher thread (where reads run without a broker) gives way to the requests of its
    process: Linux schedules threads on their own, so the thread's nice value is raised to 19
    (never the main thread's, which flushes at exit)."""
    if threading.current_thread() is threading.main_thread() or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except OSError:
        pass


OCR_REQUESTS = OcrRequests()
atexit.register(OCR_REQUESTS.flush)  # a clean shutdown publishes what is waiting
