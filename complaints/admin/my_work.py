"""The regulator's home ("my work"): their open cases with the nearest deadline first."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints import selectors, services
from complaints.admin.steps import S
from complaints.exports import deadline_text
from complaints.models import Case
from core.signals import answer, my_work_sections


def my_work_cases(request) -> list[dict]:
    """My cases near or past their deadline, and the open cases nobody has been assigned."""
    user = request.user
    if not user.has_perm("complaints.handle_case"):
        return []
    open_cases = (
        selectors.case_list(user=user)
        .exclude(status=S.CLOSED)
        .exclude(
            kind=Case.Kind.COMPLAINT, status__in=[S.AGREEMENT, S.MEDIATION_ENDED, S.NOT_ACCEPTED]
        )
    )

    def rows(qs):
        return [
            {
                "label": f"{c.tracking_number} · {c.get_kind_display()} · {c.get_status_display()}",
                "url": reverse("admin:complaints_case_change", args=[c.pk]),
                "note": f"{deadline_text(services.deadline_current(c))} · {c.get_sla_display()}",
                "late": c.sla == Case.Sla.OVERDUE,
            }
            for c in qs[:20]
        ]

    due = open_cases.filter(assignee=user, sla__in=[Case.Sla.DUE_SOON, Case.Sla.OVERDUE])
    unassigned = open_cases.filter(assignee__isnull=True, held_for_review=False)
    sections = [
        {
            "key": "due",
            "title": _("My cases near or past their deadline"),
            "rows": rows(due.order_by("current_due", "pk")),
            "empty": _("None of your cases is due within two working days."),
        },
        {
            "key": "unassigned",
            "title": _("Unassigned cases in my regions"),
            "rows": rows(unassigned.order_by("current_due", "pk")),
            "empty": _("Every open case has an assignee."),
        },
    ]
    if user.is_superuser or user.groups.filter(name="Supervisor").exists():
        sections.append(
            {
                "key": "overdue",
                "title": _("Overdue cases in my regions (all assignees)"),
                "rows": rows(open_cases.filter(sla=Case.Sla.OVERDUE).order_by("current_due")),
                "empty": _("No case is overdue."),
            }
        )
    return sections


answer(my_work_sections, my_work_cases, uid="complaints.my_work")
