"""Statutory deadlines of a case (working days), recomputed when a holiday schedule changes,
and the daily SLA sweep."""

import datetime

from django.utils import timezone

from complaints import rules
from complaints.models import Case, DeadlineRule
from complaints.services.common import K, S, _user
from core.audit import audit_log
from core.workdays import Calendar, Deadline, working_days_between

DEADLINE_FIELDS = ("acceptance_due", "mediation_due", "verification_due", "notice_due")


def _deadline_updates(case: Case, field: str, deadline: Deadline | None) -> dict:
    """``{field: date, "provisional_deadlines": …}`` for ``case``, with the field's 暂估 mark."""
    marks = {k: v for k, v in (case.provisional_deadlines or {}).items() if k != field}
    if deadline is not None and deadline.provisional:
        marks[field] = list(deadline.provisional_years)
    return {field: deadline.date if deadline else None, "provisional_deadlines": marks}


def _set_deadline(case: Case, field: str, deadline: Deadline | None) -> None:
    for key, value in _deadline_updates(case, field, deadline).items():
        setattr(case, key, value)


def deadlines_initialise(case: Case, *, save: bool = True) -> None:
    """Set the deadlines that start at receipt (and save them, unless the case is about to be
    inserted). Never blank: a year whose official holiday schedule is not entered yet is
    counted provisionally and the deadline marked 暂估."""
    received = timezone.localdate(case.received_at)
    calendar = Calendar()  # one version check of the calendar kept by the process
    if case.kind == K.COMPLAINT:
        days = rules.working_days(DeadlineRule.Key.ACCEPTANCE, received)
        _set_deadline(case, "acceptance_due", calendar.add_working_days(received, days))
    else:
        days = rules.working_days(DeadlineRule.Key.VERIFICATION, received)
        _set_deadline(case, "verification_due", calendar.add_working_days(received, days))
    case.deadline_error = ""
    _refresh_sla(case, calendar=calendar)
    if not save:
        return
    case.save(
        update_fields=[
            "acceptance_due", "verification_due", "provisional_deadlines", "deadline_error",
            "current_due", "sla",
        ]
    )  # fmt: skip


def deadlines_recompute(case: Case, *, calendar: Calendar | None = None) -> bool:
    """Count every deadline of ``case`` again from what started it (receipt, mediation start
    plus paused days, the decision) on today's calendar; save and return whether any changed.
    Called for every open case when a year's official holiday schedule is entered."""
    calendar = calendar or Calendar()
    before = {f: getattr(case, f) for f in (*DEADLINE_FIELDS, "provisional_deadlines", "sla")}
    received = timezone.localdate(case.received_at)
    if case.kind == K.COMPLAINT:
        days = rules.working_days(DeadlineRule.Key.ACCEPTANCE, received)
        _set_deadline(case, "acceptance_due", calendar.add_working_days(received, days))
        if case.mediation_started_on:
            started = case.mediation_started_on
            days = rules.working_days(DeadlineRule.Key.MEDIATION, started)
            days += case.mediation_paused_days
            _set_deadline(case, "mediation_due", calendar.add_working_days(started, days))
    else:
        days = rules.working_days(DeadlineRule.Key.VERIFICATION, received)
        if case.verification_extended:
            days += rules.working_days(DeadlineRule.Key.VERIFICATION_EXTENSION, received)
        _set_deadline(case, "verification_due", calendar.add_working_days(received, days))
        if case.reporter_notified_at and case.decided_at:
            decided = timezone.localdate(case.decided_at)
            days = rules.working_days(DeadlineRule.Key.REPORTER_NOTICE, decided)
            _set_deadline(case, "notice_due", calendar.add_working_days(decided, days))
    case.deadline_error = ""
    _refresh_sla(case, calendar=calendar)
    after = {f: getattr(case, f) for f in before}
    Case.objects.filter(pk=case.pk).update(**after, current_due=case.current_due, deadline_error="")
    return after != before


def _open_cases():
    return Case.objects.exclude(status=S.CLOSED).exclude(
        kind=K.COMPLAINT, status__in=[S.AGREEMENT, S.MEDIATION_ENDED, S.NOT_ACCEPTED]
    )


def deadlines_recompute_open(*, actor=None) -> tuple[int, int]:
    """Recompute the deadlines of every open case; ``(checked, changed)``."""
    calendar = Calendar()
    checked = changed = 0
    for case in _open_cases().iterator(chunk_size=500):
        checked += 1
        changed += deadlines_recompute(case, calendar=calendar)
    audit_log(
        "complaint.deadlines_recomputed",
        actor=_user(actor),
        actor_label="" if _user(actor) else "system",
        data={"checked": checked, "changed": changed},
    )
    return checked, changed


def recompute_on_calendar_change(*, year: int, actor=None, **kwargs) -> tuple[str, int]:
    """Receiver of ``core.holidays.calendar_changed`` (connected in ``apps.ready``)."""
    _checked, changed = deadlines_recompute_open(actor=actor)
    return ("未办结案件", changed)


def _current_field(case: Case) -> str | None:
    if case.kind == K.COMPLAINT:
        if case.status == S.RECEIVED:
            return "acceptance_due"
        if case.status in (S.ACCEPTED, S.MEDIATING) and case.mediation_paused_on is None:
            return "mediation_due"  # the 45 working days run from acceptance (Art 21)
        return None
    if case.status in (S.RECEIVED, S.VERIFYING):
        return "verification_due"
    if case.status in (S.CASE_OPENED, S.NOT_OPENED) and case.reporter_notified_at is None:
        return "notice_due"
    return None


def current_deadline(case: Case) -> datetime.date | None:
    """The statutory deadline running now for this case, if any."""
    field = _current_field(case)
    return getattr(case, field) if field else None


def deadline_current(case: Case) -> Deadline | None:
    """The deadline running now with its 暂估 mark, for display (``.date``, ``.note``)."""
    field = _current_field(case)
    if field is None or getattr(case, field) is None:
        return None
    years = (case.provisional_deadlines or {}).get(field, [])
    return Deadline(getattr(case, field), tuple(years))


def deadline_of(case: Case, field: str) -> Deadline | None:
    """One named deadline of ``case`` with its 暂估 mark (admin and API)."""
    if getattr(case, field) is None:
        return None
    years = (case.provisional_deadlines or {}).get(field, [])
    return Deadline(getattr(case, field), tuple(years))


def _refresh_sla(
    case: Case, today: datetime.date | None = None, *, calendar: Calendar | None = None
) -> None:
    today = today or timezone.localdate()
    due = current_deadline(case)
    case.current_due = due
    if due is None:
        case.sla = Case.Sla.NONE
        return
    if today > due:
        case.sla = Case.Sla.OVERDUE
        return
    left = working_days_between(today, due, calendar=calendar)
    case.sla = Case.Sla.DUE_SOON if left <= 2 else Case.Sla.OK
