"""A report forwarded through WeChat, completed by the consumer on the web form."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case, CaseEvent
from complaints.pii import phone_blind_index as blind_index
from complaints.tracking.common import K
from complaints.tracking.writes import can_reply
from core.audit import audit_log
from core.errors import InvalidTransition, ValidationFailed
from core.outbox import outbox_enqueue
from core.phones import is_valid_phone


@dataclass(frozen=True)
class ReportDetails:
    """What the reporter of a forwarded 举报 (``services.ReportDraft``) adds on the web form."""

    merchant_wechat_id: str = ""
    merchant_name: str = ""
    name: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    consent: bool = False


def report_details_add(*, case: Case, details: ReportDetails, ip: str | None = None) -> Case:
    """The seller and, if the reporter wishes, their own details on a 举报 that arrived without
    them; a named reporter hears the decision (Order 121). Merchant linking runs again."""
    if case.kind != K.REPORT or not can_reply(case):
        raise InvalidTransition(_("This case is closed; you can no longer add to it."))
    errors: dict[str, list[str]] = {}
    phone = details.phone.strip()
    if phone and not is_valid_phone(phone):
        errors["phone"] = [
            _("Enter a mainland mobile number (11 digits) or a landline with its area code.")
        ]
    person = {
        "complainant_name": details.name.strip()[:100],
        "complainant_phone": phone[:30],
        "complainant_address": details.address.strip(),
        "complainant_email": details.email.strip(),
    }
    if any(person.values()) and not details.consent:
        errors["consent"] = [_("Please agree to the use of your personal data for this case.")]
    if errors:
        raise ValidationFailed(_("The submission has invalid fields."), fields=errors)
    updates: dict = {
        key: value[:100] if key == "merchant_wechat_id" else value[:200]
        for key, value in (
            ("merchant_wechat_id", details.merchant_wechat_id.strip()),
            ("merchant_name", details.merchant_name.strip()),
        )
        if value
    }
    if any(person.values()):
        updates.update({k: v for k, v in person.items() if v})
        updates.update(anonymous=False, phone_index=blind_index(phone), consent_at=timezone.now())
    if not updates:
        raise ValidationFailed(_("Write something or choose a file."), fields={"body": ["empty"]})
    with transaction.atomic():
        for key, value in updates.items():
            setattr(case, key, value)
        case.save(update_fields=list(updates))
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.REPLY, public=True, body="举报人补充了商家或本人信息"
        )
        audit_log(
            "complaint.details_added",
            target=case,
            actor_label="complainant",
            ip=ip,
            data={"fields": sorted(k for k in updates if not k.startswith("complainant_"))},
        )
        outbox_enqueue(
            "complaints.after_intake", kwargs={"case_id": case.pk}, key=f"intake:{case.pk}"
        )
    return case
