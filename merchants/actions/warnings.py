"""Consumer warnings: drafted, published, withdrawn."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log
from core.documents import issuing_office
from core.errors import Forbidden, InvalidTransition, ValidationFailed
from merchants.models import (
    ConsumerWarning,
    Merchant,
)


def warning_draft(
    *, actor, title: str, body: str, region_code: str, merchant: Merchant | None = None, ip=None
) -> ConsumerWarning:

    if not title.strip() or not body.strip():
        raise ValidationFailed(_("A warning needs a title and a text."))
    region_code = region_code or (merchant.region_code if merchant else "")
    with transaction.atomic():
        warning = ConsumerWarning.objects.create(
            title=title.strip()[:200],
            body=body.strip(),
            merchant=merchant,
            region_code=region_code,
            issuer_name=issuing_office(region_code)[1],
            created_by=actor,
        )
        audit_log("warning.drafted", actor=actor, target=warning, ip=ip)
    return warning


def warning_publish(*, warning: ConsumerWarning, actor, ip=None) -> ConsumerWarning:
    """Publish a 消费警示 on /warnings/ — a supervisor's decision, audited."""
    if not actor.has_perm("merchants.publish_consumerwarning"):
        raise Forbidden(_("Only a supervisor publishes consumer warnings."))
    with transaction.atomic():
        warning = ConsumerWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.state == ConsumerWarning.State.PUBLISHED:
            raise InvalidTransition(_("This warning is already published."))
        warning.state = ConsumerWarning.State.PUBLISHED
        warning.published_by = actor
        warning.published_at = timezone.now()
        warning.save(update_fields=["state", "published_by", "published_at"])
        audit_log(
            "warning.published",
            actor=actor,
            target=warning,
            ip=ip,
            data={"title": warning.title, "merchant_id": warning.merchant_id},
        )
    return warning


def warning_withdraw(*, warning: ConsumerWarning, actor, reason: str, ip=None) -> ConsumerWarning:
    if not actor.has_perm("merchants.publish_consumerwarning"):
        raise Forbidden(_("Only a supervisor withdraws consumer warnings."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    with transaction.atomic():
        warning = ConsumerWarning.objects.select_for_update().get(pk=warning.pk)
        if warning.state != ConsumerWarning.State.PUBLISHED:
            raise InvalidTransition(_("Only a published warning can be withdrawn."))
        warning.state = ConsumerWarning.State.WITHDRAWN
        warning.save(update_fields=["state"])
        audit_log("warning.withdrawn", actor=actor, target=warning, ip=ip, data={"reason": reason})
    return warning
