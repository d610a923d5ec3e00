"""Celery tasks: thin wrappers that take ids and call services."""

import gc
import logging

from celery import shared_task
from celery.signals import worker_init
from django.db import DatabaseError, connections

from lexicon.services import active_scanner
from merchants.exports import export_run
from merchants.models import Merchant
from merchants.rescan import rescan_run_step
from merchants.risk import risk_recompute_many
from merchants.scan import posts_scan
from merchants.scan_dispatch import posts_sweep_pending

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="merchants.scan_posts", bind=True, **RETRY)
def scan_posts(self, post_ids: list[int]) -> dict:
    outcome = posts_scan(post_ids=post_ids)
    risk_recompute_many(merchant_ids=outcome.merchant_ids or ())
    return {"scanned": outcome.scanned, "changed": outcome.changed, "skipped": outcome.skipped}


@shared_task(name="merchants.sweep_pending_posts")
def sweep_pending_posts() -> int:
    return posts_sweep_pending()


@shared_task(name="merchants.rescan_step", bind=True, **RETRY)
def rescan_step(self, job_id: int) -> None:
    rescan_run_step(job_id=job_id)


@shared_task(name="merchants.export_run")
def export_run_task(job_id: int) -> None:
    export_run(job_id=job_id)


@shared_task(name="merchants.recompute_all_risk")
def recompute_all_risk() -> int:
    """Nightly: time decay changes scores even when nothing new arrives."""
    ids = list(Merchant.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        risk_recompute_many(merchant_ids=ids[start : start + 500])
    return len(ids)


@worker_init.connect
def _build_scanner_before_fork(**kwargs) -> None:
    """Build the active lexicon's engine in the worker's main process, before the pool forks,
    so every child shares it (copy-on-write) instead of paying the build and jieba load. What
    exists then is frozen out of the garbage collector: a scan chunk of a flood keeps tens of
    thousands of tuples alive for a while, and the full collections that follow walked the
    engine's objects too (0.2–0.5 s of garbage collection a chunk, 0.04–0.09 s frozen)."""
    try:
        _version, scanner = active_scanner()
        scanner.warm()
    except Exception:  # the database may not be reachable yet; children build it lazily
        logging.getLogger(__name__).warning("scanner not prebuilt", exc_info=True)
    finally:
        connections.close_all()  # never share a database socket with forked children
        gc.freeze()
