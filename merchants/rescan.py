"""Rescanning stored posts after a lexicon change: chunked, resumable, with progress."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_log
from core.errors import InvalidTransition, ValidationFailed
from core.outbox import outbox_enqueue
from core.regions import is_region_prefix
from lexicon.models import LexiconVersion, RescanJob
from merchants.models import Post
from merchants.risk import risk_recompute_many
from merchants.scan import posts_scan


def _scope(job: RescanJob):
    qs = Post.objects.filter(is_current=True)
    if job.region_prefix:
        qs = qs.filter(merchant__region_code__startswith=job.region_prefix)
    if job.captured_from:
        qs = qs.filter(captured_at__gte=job.captured_from)
    if job.captured_to:
        qs = qs.filter(captured_at__lt=job.captured_to)
    return qs


def rescan_start(
    *,
    version: LexiconVersion,
    actor,
    region_prefix: str = "",
    captured_from=None,
    captured_to=None,
) -> RescanJob:
    rescan_validate_scope(
        region_prefix=region_prefix, captured_from=captured_from, captured_to=captured_to
    )
    with transaction.atomic():
        job = RescanJob.objects.create(
            lexicon_version=version,
            region_prefix=region_prefix,
            captured_from=captured_from,
            captured_to=captured_to,
            created_by=actor,
        )
        job.total = _scope(job).count()
        job.state = RescanJob.State.RUNNING
        job.save(update_fields=["total", "state"])
        audit_log(
            "lexicon.rescan_started",
            actor=actor,
            target=job,
            data={"version": version.number, "region": region_prefix, "posts": job.total},
        )
        _enqueue_step(job)
    return job


def rescan_validate_scope(*, region_prefix: str, captured_from, captured_to) -> None:
    if region_prefix and not is_region_prefix(region_prefix):
        raise ValidationFailed(
            "region prefix must be a GB/T 2260 province, prefecture or county (44, 4401, 440103)",
            fields={"region_prefix": ["invalid"]},
        )
    if captured_from and captured_to and captured_from >= captured_to:
        raise ValidationFailed("the date range is empty", fields={"captured_to": ["before start"]})


def rescan_resume(*, job: RescanJob, actor) -> RescanJob:
    if job.state == RescanJob.State.DONE:
        raise InvalidTransition("this rescan has finished")
    RescanJob.objects.filter(pk=job.pk).update(state=RescanJob.State.RUNNING, last_error="")
    job.refresh_from_db()
    audit_log("lexicon.rescan_resumed", actor=actor, target=job, data={"cursor": job.cursor})
    with transaction.atomic():
        _enqueue_step(job)
    return job


def rescan_pause(*, job: RescanJob, actor) -> None:
    updated = RescanJob.objects.filter(pk=job.pk, state=RescanJob.State.RUNNING).update(
        state=RescanJob.State.PAUSED
    )
    if not updated:
        raise InvalidTransition("only a running rescan can be paused")
    audit_log("lexicon.rescan_paused", actor=actor, target=job)


def rescan_run_step(*, job_id: int) -> None:
    """Rescan the next chunk after the job's cursor, then queue the following step."""
    job = RescanJob.objects.select_related("lexicon_version").get(pk=job_id)
    if job.state != RescanJob.State.RUNNING:
        return
    ids = list(
        _scope(job)
        .filter(pk__gt=job.cursor)
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.RESCAN_CHUNK_SIZE]
    )
    if not ids:
        RescanJob.objects.filter(pk=job.pk).update(
            state=RescanJob.State.DONE, finished_at=timezone.now()
        )
        return
    # Posts held by a scan of the normal pipeline right now are skipped (it scans them with the
    # active version).
    outcome = posts_scan(post_ids=ids, version=job.lexicon_version, rescan=True)
    risk_recompute_many(merchant_ids=outcome.merchant_ids or ())
    with transaction.atomic():
        RescanJob.objects.filter(pk=job.pk, cursor__lt=ids[-1]).update(
            cursor=ids[-1], done=F("done") + len(ids), changed=F("changed") + outcome.changed
        )
        job.refresh_from_db()
        if job.state == RescanJob.State.RUNNING:
            _enqueue_step(job)


def _enqueue_step(job: RescanJob) -> None:
    outbox_enqueue(
        "merchants.rescan_step", kwargs={"job_id": job.pk}, key=f"rescan:{job.pk}:{job.cursor}"
    )
