"""Daily and periodic sweeps: SLA warnings (and mediation ended at its time limit), staging
files left behind, the assignee's notice."""

import datetime

from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case
from complaints.services.common import S
from complaints.services.deadlines import (
    _open_cases,
    _refresh_sla,
    deadline_current,
    deadlines_recompute,
)
from complaints.services.workflow import mediation_end
from core.outbox import outbox_enqueue
from core.workdays import Calendar


def sla_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Periodic: refresh every open case's deadline state, end mediation past its limit, and
    tell the assignee when a case becomes due soon or overdue."""
    today = today or timezone.localdate()
    counts = {"checked": 0, "due_soon": 0, "overdue": 0, "mediation_ended": 0}
    calendar = Calendar()
    for case in _open_cases().iterator(chunk_size=500):
        counts["checked"] += 1
        if case.sla == Case.Sla.UNKNOWN or case.deadline_error:
            # Left blank by an earlier version for want of calendar data: count it now.
            deadlines_recompute(case, calendar=calendar)
        if (
            case.status == S.MEDIATING
            and case.mediation_paused_on is None
            and case.mediation_due
            and today > case.mediation_due
        ):
            mediation_end(case=case, actor=None, reason="time_limit", note="")
            counts["mediation_ended"] += 1
            continue
        before = case.sla
        _refresh_sla(case, today, calendar=calendar)
        Case.objects.filter(pk=case.pk).update(current_due=case.current_due, sla=case.sla)
        if case.sla in (Case.Sla.DUE_SOON, Case.Sla.OVERDUE):
            counts[case.sla] += 1
            if case.sla != before and case.assignee_id:
                outbox_enqueue(
                    "complaints.notify_assignee",
                    kwargs={"case_id": case.pk, "state": case.sla},
                    key=f"sla:{case.pk}:{case.sla}:{case.current_due}",
                )
    counts["staging_removed"] = staging_cleanup()
    return counts


def staging_cleanup(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove files kept for forms that were never sent again (their tokens expire in a day)."""
    removed = 0
    cutoff = timezone.now() - older_than
    try:
        _dirs, names = default_storage.listdir("complaints/staging")
    except FileNotFoundError:
        return 0
    for name in names:
        path = f"complaints/staging/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def notify_assignee(*, case_id: int, state: str) -> None:
    case = Case.objects.select_related("assignee").filter(pk=case_id).first()
    if case is None or case.assignee is None or not case.assignee.email:
        return
    label = dict(Case.Sla.choices).get(state, state)
    deadline = deadline_current(case)
    send_mail(
        f"[{label}] {case.tracking_number}",
        _("Case %(number)s (%(kind)s, %(status)s): deadline %(due)s.")
        % {
            "number": case.tracking_number,
            "kind": case.get_kind_display(),
            "status": case.get_status_display(),
            "due": f"{deadline.date} {deadline.note}".strip() if deadline else "-",
        },
        None,
        [case.assignee.email],
    )
