"""Celery tasks: thin wrappers that take ids and call services."""

from celery import shared_task
from django.db import DatabaseError

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="merchants.scan_posts", bind=True, **RETRY)
def scan_posts(self, post_ids: list[int]) -> dict:
    from merchants.risk import risk_recompute
    from merchants.scan import posts_scan

    token = self.request.id or "in-process"
    outcome = posts_scan(post_ids=post_ids, token=token)
    for merchant_id in sorted(outcome.merchant_ids or ()):
        risk_recompute(merchant_id=merchant_id)
    return {"scanned": outcome.scanned, "changed": outcome.changed, "skipped": outcome.skipped}


@shared_task(name="merchants.sweep_pending_posts")
def sweep_pending_posts() -> int:
    from merchants.posts import posts_sweep_pending

    return posts_sweep_pending()


@shared_task(name="merchants.rescan_step", bind=True, **RETRY)
def rescan_step(self, job_id: int) -> None:
    from merchants.rescan import rescan_run_step

    rescan_run_step(job_id=job_id)


@shared_task(name="merchants.recompute_all_risk")
def recompute_all_risk() -> int:
    """Nightly: time decay changes scores even when nothing new arrives."""
    from merchants.models import Merchant
    from merchants.risk import risk_recompute

    count = 0
    for merchant_id in Merchant.objects.filter(merged_into__isnull=True).values_list(
        "id", flat=True
    ):
        risk_recompute(merchant_id=merchant_id)
        count += 1
    return count
