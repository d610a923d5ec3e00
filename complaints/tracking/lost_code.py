"""A lost access code re-issued (audited), by e-mail or, where configured, SMS."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from complaints.links import site_url
from complaints.models import Case, CaseEvent
from complaints.pii import hash_access_code, new_access_code, normalize_tracking_number
from complaints.pii import phone_blind_index as blind_index
from core.audit import audit_log

log = logging.getLogger(__name__)


def sms_available() -> bool:
    return bool(settings.COMPLAINTS_SMS_BACKEND)


@dataclass
class Reissue:
    email: bool = False
    sms: bool = False


def access_code_reissue(
    *, tracking_number: str, email: str = "", phone: str = "", ip: str | None = None
) -> Reissue:
    """A new access code for a case whose complainant gave this e-mail or phone, sent there only
    (e-mail; SMS when a backend is configured). The old code stops working. The answer never
    says whether the number or the contact matched; every reissue is audited."""
    sent = Reissue()
    number = normalize_tracking_number(tracking_number)
    case = Case.objects.filter(tracking_number=number).first() if number else None
    if case is None or case.pii_erased_at:
        return sent
    email = (email or "").strip().lower()
    by_email = bool(email) and (case.complainant_email or "").strip().lower() == email
    by_phone = (
        bool(phone)
        and sms_available()
        and bool(case.phone_index)
        and blind_index(phone) == case.phone_index
    )
    if not (by_email or by_phone):
        audit_log(
            "complaint.access_code_reissue_refused",
            target=case,
            actor_label="public",
            ip=ip,
            data={"by": "email" if email else "phone"},
        )
        return sent
    code = new_access_code()
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(access_code_hash=hash_access_code(code))
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            body="已按投诉人请求重新生成查询码（"
            + ("邮箱" if by_email else "短信")
            + "），旧查询码失效",
        )
        audit_log(
            "complaint.access_code_reissued",
            target=case,
            actor_label="public",
            ip=ip,
            data={"by": "email" if by_email else "sms"},
        )
    context = {
        "case": case,
        "code": code,
        "track_url": site_url(reverse("complaints:track")),
        "case_url": site_url(reverse("complaints:track_case", args=[case.tracking_number])),
    }
    if by_email:
        try:
            send_mail(
                _("New access code for your case %(number)s") % {"number": case.tracking_number},
                render_to_string("complaints/email/code_reissued.txt", context),
                None,
                [case.complainant_email],
            )
            sent.email = True
        except Exception:
            log.exception("access code e-mail for case %s failed", case.pk)
    if by_phone:
        try:
            import_string(settings.COMPLAINTS_SMS_BACKEND)(
                case.complainant_phone,
                _("Case %(number)s: your new access code is %(code)s")
                % {"number": case.tracking_number, "code": code},
            )
            sent.sms = True
        except Exception:
            log.exception("access code SMS for case %s failed", case.pk)
    return sent
