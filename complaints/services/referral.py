"""Referring a case to the office that has jurisdiction (移送), with its 移送函."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case, CaseEvent
from complaints.services.common import (
    S,
    _user,
)
from core.audit import audit_log
from core.documents import document_issue, issuing_office
from core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from core.models import FormalDocument
from core.regions import is_region_code, region_name


def case_refer(
    *, case: Case, actor, region_code: str, department: str = "", reason: str, ip=None
) -> Case:
    """Hand the case to another department or region (the other office becomes responsible)."""

    if not is_region_code(region_code):
        raise ValidationFailed(_("Not a region code."), fields={"region_code": [region_code]})
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status == S.CLOSED:
            raise InvalidTransition(_("A closed case cannot be referred."))
        before = (locked.region_code, locked.department)
        locked.region_code = region_code
        locked.department = department.strip()[:200]
        locked.assignee = None
        locked.save(update_fields=["region_code", "department", "assignee"])
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.REFERRAL,
            actor=_user(actor),
            body=f"{before[0]} {before[1]} → {region_code} {department}: {reason}",
        )
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.MESSAGE,
            public=True,
            actor=_user(actor),
            body=_("Your case has been transferred to the competent office (%(dept)s).")
            % {"dept": department or region_code},
        )
        document = _referral_letter_issue(
            locked,
            office_region=before[0],
            department=department,
            reason=reason,
            actor=actor,
            ip=ip,
        )
        audit_log(
            "complaint.referred",
            actor=_user(actor),
            target=locked,
            ip=ip,
            data={
                "from": list(before),
                "to": [region_code, department],
                "reason": reason,
                "document": document.number,
            },
        )
    case.refresh_from_db()
    return case


def _referral_letter_issue(
    case: Case, *, office_region: str, department: str, reason: str, actor, ip
):
    """The numbered 移送函 of a referral, issued by the office that had the case."""

    addressee = department.strip() or region_name(case.region_code) + "市场监督管理局"
    body = render_to_string(
        "complaints/admin/referral_letter.txt",
        {
            "case": case,
            "addressee": addressee,
            "office": issuing_office(office_region)[1],
            "received": timezone.localtime(case.received_at),
            "merchant": case.merchant_name or case.merchant_wechat_id,
            "summary": case.description[:500],
            "reason": reason,
            "today": timezone.localdate(),
        },
    ).strip()
    return document_issue(
        kind=FormalDocument.Kind.REFERRAL,
        region_code=office_region,
        addressee=addressee,
        body=body,
        target=case,
        actor=_user(actor),
        ip=ip,
    )
