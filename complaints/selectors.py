"""Every read of complaints for staff. Jurisdiction is enforced here, and only through
``core.roles.region_prefixes`` / ``region_q``: a case outside the user's regions does not
exist for them (404, never 403)."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from complaints.models import Case, CaseEvent, DuplicateSuggestion, Evidence
from complaints.pii import mask_address, mask_id_number, mask_name, mask_phone
from core.errors import NotFound
from core.roles import region_prefixes, region_q
from merchants.signals import TimelineItem


def case_list(*, user) -> QuerySet[Case]:
    """Cases in the user's jurisdiction (superusers: all; staff without a region: none)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return Case.objects.none()
    return Case.objects.filter(region_q(region_prefixes(user), "region_code"))


def case_get(*, user, pk) -> Case:
    try:
        return case_list(user=user).get(pk=int(pk))
    except (Case.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such case.") from None


def evidence_get(*, user, pk) -> Evidence:
    try:
        return Evidence.objects.select_related("case").get(
            pk=int(pk), case__in=case_list(user=user)
        )
    except (Evidence.DoesNotExist, TypeError, ValueError):
        raise NotFound("No such evidence.") from None


def case_public_events(*, case: Case) -> QuerySet[CaseEvent]:
    """What the complainant may read: public messages and status changes, never notes."""
    return case.events.filter(public=True).order_by("created_at", "id")


def case_duplicates(*, user, case: Case) -> QuerySet[DuplicateSuggestion]:
    visible = case_list(user=user)
    return case.duplicate_suggestions.filter(
        other__in=visible, decision=DuplicateSuggestion.Decision.OPEN
    ).select_related("other")


def case_by_api_token(*, token, tracking_number: str) -> Case:
    """An integrator reads only the cases it filed."""
    case = Case.objects.filter(tracking_number=tracking_number, api_token=token).first()
    if case is None:
        raise NotFound("No such case.")
    return case


def masked_person(case: Case) -> dict[str, str]:
    """The complainant as lists and exports show them: 张*, 138****5678. Reporters' identities
    are not even masked-shown."""
    if case.pii_erased_at:
        return {"name": "(erased)", "phone": "", "address": "", "id_number": ""}
    if case.anonymous:
        return {"name": "匿名", "phone": "", "address": "", "id_number": ""}
    if case.kind == Case.Kind.REPORT:
        return {"name": "举报人（保密）", "phone": "", "address": "", "id_number": ""}
    return {
        "name": mask_name(case.complainant_name),
        "phone": mask_phone(case.complainant_phone),
        "address": mask_address(case.complainant_address),
        "id_number": mask_id_number(case.complainant_id_number),
    }


def merchant_timeline(merchant, user):
    """Provider for the merchant page: the cases against this merchant the user may see, with
    no personal data at all."""

    items = []
    for case in case_list(user=user).filter(merchant=merchant).order_by("-received_at")[:100]:
        items.append(
            TimelineItem(
                when=case.received_at,
                kind=case.kind,
                title=f"{case.get_kind_display()} {case.tracking_number}",
                body=case.get_category_display() or "",
                url=f"/admin/complaints/case/{case.pk}/change/",
                badges=(case.get_status_display(),),
            )
        )
    return items


def merchant_public_facts(merchant):
    closed = Case.objects.filter(
        merchant=merchant, kind=Case.Kind.COMPLAINT, status=Case.Status.CLOSED
    ).count()
    accepted = Case.objects.filter(
        merchant=merchant,
        kind=Case.Kind.COMPLAINT,
        status__in=[
            Case.Status.ACCEPTED,
            Case.Status.MEDIATING,
            Case.Status.AGREEMENT,
            Case.Status.MEDIATION_ENDED,
        ],
    ).count()
    return [
        {"label": "complaints_closed", "value": closed},
        {"label": "complaints_in_handling", "value": accepted},
    ]


def dashboard_complaints(prefixes, since) -> list[dict]:
    """For the regulator dashboard (merchants.dashboard): complaints (投诉) received per week,
    how many of them were accepted, and how many are past their deadline now."""

    S = Case.Status
    accepted = Q(status__in=[S.ACCEPTED, S.MEDIATING, S.AGREEMENT, S.MEDIATION_ENDED]) | Q(
        status=S.CLOSED, decided_at__isnull=False, refusal_ground=""
    )
    rows = (
        Case.objects.filter(region_q(prefixes, "region_code"))
        .filter(kind=Case.Kind.COMPLAINT, received_at__date__gte=since)
        .annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(
            received=Count("id"),
            accepted=Count("id", filter=accepted),
            overdue=Count("id", filter=Q(sla=Case.Sla.OVERDUE)),
        )
        .order_by("week")
    )
    return [
        {
            "period": row["week"].date().isoformat()
            if hasattr(row["week"], "date")
            else str(row["week"]),
            "received": row["received"],
            "accepted": row["accepted"],
            "overdue": row["overdue"],
        }
        for row in rows
    ]
