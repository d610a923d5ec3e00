"""CSV/XLSX exports of workspace lists, run in the background through the outbox.

``export_request`` records the job (with the rows the user selected) in the caller's transaction
and queues ``merchants.export_run``; the task re-applies the requester's regions at run time (a
guessed id outside them yields nothing), writes the file to private storage with progress, and
masks personal data (phone numbers, payee names) unless the job says otherwise.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.errors import Forbidden, ValidationFailed
from core.export_writer import csv_bytes, xlsx_bytes
from core.masking import mask_name
from core.outbox import outbox_enqueue
from core.phones import mask_phone, mask_phones_in
from core.roles import region_prefixes, region_q
from merchants import selectors
from merchants.models import EnforcementAction, ExportJob, MerchantAccount

CHUNK = 500


def mask_text(value: str) -> str:
    """138****1234 for every phone number in ``value`` (``core.phones``: +86, spaces, dashes and
    landlines too, which the mobile-only pattern used here before let through)."""
    return mask_phones_in(value)


def _account_label(account: MerchantAccount, masked: bool) -> str:
    handle = account.handle
    if masked and account.platform == MerchantAccount.Platform.PHONE:
        handle = mask_phone(handle)
    elif masked and account.platform == MerchantAccount.Platform.PAYEE:
        handle = mask_name(handle)
    elif masked:
        handle = mask_text(handle)
    return f"{account.get_platform_display()}: {handle}"


def _merchant_rows(qs, masked: bool):
    header = [
        _("ID"), _("Name"), _("Accounts"), _("Region"), _("Status"), _("Risk score"),
        _("In review queue"), _("Registration"), _("USCC"), _("Last activity"),
    ]  # fmt: skip
    yield header
    for m in qs.prefetch_related("accounts"):
        yield [
            m.pk,
            mask_text(m.display_name) if masked else m.display_name,
            "; ".join(_account_label(a, masked) for a in m.accounts.all()),
            m.region_code,
            m.get_status_display(),
            m.risk_score,
            _("yes") if m.in_review_queue else _("no"),
            m.get_registration_display(),
            m.uscc,
            timezone.localtime(m.last_activity_at).isoformat() if m.last_activity_at else "",
        ]


def _finding_rows(qs, masked: bool):
    yield [
        _("ID"), _("Merchant"), _("Region"), _("Category"), _("Rule"), _("Matched text"),
        _("Severity"), _("Review"), _("Context"), _("Found at"),
    ]  # fmt: skip
    for f in qs.select_related("post__merchant"):
        context = mask_text(f.context) if masked else f.context
        yield [
            f.pk,
            mask_text(f.post.merchant.display_name) if masked else f.post.merchant.display_name,
            f.post.merchant.region_code,
            f.category,
            f.rule,
            f.matched,
            f.severity,
            f.get_review_display(),
            context,
            timezone.localtime(f.created_at).isoformat(),
        ]


def _action_rows(qs, masked: bool):
    yield [
        _("ID"), _("Merchant"), _("Region"), _("Action"), _("Reason"), _("Department"),
        _("Answer due"), _("Taken by"), _("Taken at"),
    ]  # fmt: skip
    for a in qs.select_related("merchant", "actor"):
        yield [
            a.pk,
            mask_text(a.merchant.display_name) if masked else a.merchant.display_name,
            a.merchant.region_code,
            a.get_kind_display(),
            mask_text(a.reason) if masked else a.reason,
            a.get_department_display() if a.department else "",
            a.due_on.isoformat() if a.due_on else "",
            a.actor.get_username(),
            timezone.localtime(a.created_at).isoformat(),
        ]


def _post_rows(qs, masked: bool):
    yield [
        _("ID"), _("Merchant"), _("Region"), _("Source"), _("Text"), _("URL"), _("Captured at"),
    ]  # fmt: skip
    for p in qs.select_related("merchant"):
        name = p.merchant.display_name
        yield [
            p.pk,
            mask_text(name) if masked else name,
            p.merchant.region_code,
            p.get_source_display(),
            mask_text(p.text) if masked else p.text,
            p.url,
            timezone.localtime(p.captured_at).isoformat(),
        ]


def _actions_visible(prefixes):
    return EnforcementAction.objects.filter(region_q(prefixes, "merchant__region_code"))


# kind → (queryset of what the prefixes may see, row generator)
KINDS = {
    "merchants": (selectors.merchants_visible, _merchant_rows),
    "queue": (selectors.review_queue, _merchant_rows),
    "findings": (selectors.findings_visible, _finding_rows),
    "posts": (selectors.posts_visible, _post_rows),
    "actions": (_actions_visible, _action_rows),
}


def export_request(
    *, kind: str, fmt: str, ids: list[int], actor, mask_pii: bool = True, ip=None
) -> ExportJob:
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown list."), fields={"kind": ["invalid"]})
    if fmt not in ExportJob.Format.values:
        raise ValidationFailed(_("Unknown format."), fields={"format": ["invalid"]})
    if not mask_pii and not actor.is_superuser:
        raise Forbidden(_("Unmasked exports are for operators only."))
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind,
            format=fmt,
            ids=sorted({int(i) for i in ids}),
            mask_pii=mask_pii,
            requested_by=actor,
            total=len(ids),
        )
        audit_log(
            "export.requested",
            actor=actor,
            target=job,
            ip=ip,
            data={"kind": kind, "format": fmt, "rows": len(job.ids), "mask_pii": mask_pii},
        )
        outbox_enqueue("merchants.export_run", kwargs={"job_id": job.pk}, key=f"export:{job.pk}")
    return job


def export_run(*, job_id: int) -> ExportJob:
    """Write the file (idempotent: a finished job is left alone)."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.state == ExportJob.State.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, done=0)
    try:
        select, rows_of = KINDS[job.kind]
        prefixes = region_prefixes(job.requested_by)
        qs = select(prefixes).filter(pk__in=job.ids).order_by("pk")
        total = qs.count()
        ExportJob.objects.filter(pk=job.pk).update(total=total)
        rows = []
        for i, row in enumerate(rows_of(qs, job.mask_pii)):
            rows.append(row)
            if i and i % CHUNK == 0:
                ExportJob.objects.filter(pk=job.pk).update(done=i)
        content = _xlsx(rows) if job.format == ExportJob.Format.XLSX else _csv(rows)
        name = f"{job.kind}-{job.pk}-{timezone.localtime():%Y%m%d%H%M}.{job.format}"
        job.file.save(name, ContentFile(content), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            state=ExportJob.State.DONE,
            done=total,
            finished_at=timezone.now(),
            last_error="",
        )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    job.refresh_from_db()
    return job


def _csv(rows) -> bytes:
    return csv_bytes(rows)


def _xlsx(rows) -> bytes:
    return xlsx_bytes(rows)
