"""Personal data: revealing it (audited) and erasing it."""

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case
from complaints.services.common import K, _user
from core.audit import audit_log
from core.errors import (
    Forbidden,
)


def case_pii_reveal(*, case: Case, actor, reason: str = "", ip=None) -> dict:
    """The complainant's full personal data, for an explicit "show" — always audited.

    A reporter's identity is shown only to people inside the case: the assignee, a supervisor of
    the region, or an operator (Order 20 Art 33)."""
    if not actor.has_perm("complaints.show_personal_data"):
        raise Forbidden(_("You may not see personal data."))
    if not inside_the_case(case=case, user=actor):
        audit_log("complaint.pii_denied", actor=actor, target=case, ip=ip, data={"reason": reason})
        raise Forbidden(_("A reporter's identity is shown only to staff handling the case."))
    audit_log("complaint.pii_shown", actor=actor, target=case, ip=ip, data={"reason": reason})
    return {
        "name": case.complainant_name or "",
        "phone": case.complainant_phone or "",
        "address": case.complainant_address or "",
        "id_number": case.complainant_id_number or "",
        "email": case.complainant_email or "",
    }


def inside_the_case(*, case: Case, user) -> bool:
    """Who may see what could identify a reporter (personal data, evidence): the assignee, a
    supervisor of the region or an operator. For complaints: anyone with jurisdiction."""
    if case.kind != K.REPORT:
        return True
    return bool(
        user.is_superuser
        or case.assignee_id == user.pk
        or user.groups.filter(name="Supervisor").exists()
    )


#: Sent inside ``case_pii_erase``'s transaction, after the case's own fields are erased:
#: ``case_pii_erasing.send(sender=Case, case=case)``. An app above complaints that keeps
#: personal data about a case (the WeChat account: the sender's OpenID on its messages) erases
#: it in its receiver and returns a dict of what it erased, e.g. ``{"wechat_messages": 2}``,
#: which goes into the audit entry. A receiver's error rolls the whole erasure back.
case_pii_erasing = Signal()


def case_pii_erase(*, case: Case, actor=None, actor_label: str = "", reason: str) -> None:
    """Erase the person and keep the case (status, dates, merchant, category, amounts) for the
    statistics, with what the apps above keep about them (``case_pii_erasing``). PIPL Art 47."""
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(
            complainant_name=None,
            complainant_phone=None,
            complainant_address=None,
            complainant_id_number=None,
            complainant_email=None,
            phone_index="",
            pii_erased_at=timezone.now(),
        )
        also: dict = {}
        for _receiver, erased in case_pii_erasing.send(sender=Case, case=case):
            also.update(erased or {})
        audit_log(
            "complaint.pii_erased",
            actor=_user(actor),
            actor_label=actor_label or ("" if _user(actor) else "manage.py"),
            target=case,
            data={"reason": reason, **({"also_erased": also} if also else {})},
        )
