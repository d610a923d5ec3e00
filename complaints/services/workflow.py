"""The regulator's workflow steps: each validates the transition, records a ``CaseEvent``,
writes the audit log and enqueues its follow-ups in one transaction."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import rules
from complaints.models import Case, CaseEvent, DeadlineRule
from complaints.services.casework import _enqueue_complainant_mail
from complaints.services.common import (
    MEDIATION_END_REASONS,
    RISK_POINTS_ACCEPTED,
    RISK_POINTS_CASE_OPENED,
    TRANSITIONS,
    K,
    S,
    _risk,
    _user,
)
from complaints.services.deadlines import _deadline_updates, _refresh_sla, _set_deadline
from core.audit import audit_log
from core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from core.workdays import Calendar, deadline_after


def _transition(
    case: Case,
    to: str,
    *,
    actor,
    action: str,
    public_body: str = "",
    note: str = "",
    data: dict | None = None,
    updates: dict | None = None,
    ip: str | None = None,
) -> Case:
    """Move ``case`` to ``to`` if the rules allow it, with its event, audit entry and SLA."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        allowed = TRANSITIONS[locked.kind].get(locked.status, set())
        if to not in allowed:
            raise InvalidTransition(
                _("A %(kind)s cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "kind": locked.get_kind_display(),
                    "from": locked.get_status_display(),
                    "to": Case.Status(to).label,
                }
            )
        if locked.held_for_review:
            raise InvalidTransition(
                _("This case is held for review as a possible flood; release it first.")
            )
        before = locked.status
        locked.status = to
        for key, value in (updates or {}).items():
            setattr(locked, key, value)
        if to == S.CLOSED:
            locked.closed_at = timezone.now()
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.STATUS,
            public=bool(public_body),
            body=public_body,
            from_status=before,
            to_status=to,
            actor=_user(actor),
        )
        if note:
            CaseEvent.objects.create(
                case=locked, kind=CaseEvent.Kind.NOTE, body=note, actor=_user(actor)
            )
        audit_log(
            action,
            actor=_user(actor),
            actor_label="" if _user(actor) else "system",
            target=locked,
            ip=ip,
            data={"from": before, "to": to, **(data or {})},
        )
        if public_body:
            _enqueue_complainant_mail(locked, public_body)
    case.__dict__.update(
        {f.attname: getattr(locked, f.attname) for f in Case._meta.concrete_fields}
    )
    return case


def case_accept(*, case: Case, actor, ip: str | None = None) -> Case:
    """Accept a complaint: the 45 working days of mediation run from acceptance (Art 21), so
    the clock starts here, and the case goes to the accepting regulator unless assigned."""
    today = timezone.localdate()
    due = deadline_after(today, rules.working_days(DeadlineRule.Key.MEDIATION, today))
    updates = {"decided_at": timezone.now(), "mediation_started_on": today}
    updates["mediation_paused_days"] = 0
    updates.update(_deadline_updates(case, "mediation_due", due))
    user = _user(actor)
    if case.assignee_id is None and user is not None and user.is_staff:
        updates["assignee"] = user
    case = _transition(
        case,
        S.ACCEPTED,
        actor=actor,
        action="complaint.accepted",
        ip=ip,
        updates=updates,
        data={
            "mediation_due": due.date.isoformat(),
            "assignee": user.get_username() if user else "",
        },
        public_body=_(
            "Your complaint has been accepted. Mediation follows; it ends if no agreement is "
            "reached within %(days)s working days of acceptance, by %(due)s."
        )
        % {
            "days": rules.working_days(DeadlineRule.Key.MEDIATION, today),
            "due": f"{due.date.isoformat()} {due.note}".strip(),
        },
    )
    if "assignee" in updates:
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.ASSIGNMENT, actor=user, body=user.get_username()
        )
    _risk(case, key=f"complaint:{case.pk}", points=RISK_POINTS_ACCEPTED, why="已受理投诉")
    return case


def case_refuse(*, case: Case, actor, ground: str, reason: str = "", ip=None) -> Case:
    grounds = {g.code: g for g in rules.refusal_grounds()}
    if ground not in grounds:
        raise ValidationFailed(
            _("Choose one of the statutory grounds."), fields={"ground": [ground]}
        )
    return _transition(
        case,
        S.NOT_ACCEPTED,
        actor=actor,
        action="complaint.not_accepted",
        ip=ip,
        note=reason,
        data={"ground": ground},
        updates={"decided_at": timezone.now(), "refusal_ground": ground, "outcome_reason": reason},
        public_body=_("Your complaint was not accepted. Ground: %(ground)s (%(source)s).")
        % {"ground": grounds[ground].label, "source": grounds[ground].legal_source},
    )


def mediation_start(*, case: Case, actor, ip=None) -> Case:
    """Mediation sessions begin. The clock started at acceptance and keeps running; only a
    case accepted before acceptance started it gets its clock here."""
    updates: dict = {}
    if case.mediation_started_on is None:
        today = timezone.localdate()
        updates = {"mediation_started_on": today, "mediation_paused_days": 0}
        due = deadline_after(today, rules.working_days(DeadlineRule.Key.MEDIATION, today))
        updates.update(_deadline_updates(case, "mediation_due", due))
    return _transition(
        case,
        S.MEDIATING,
        actor=actor,
        action="complaint.mediation_started",
        ip=ip,
        updates=updates,
        public_body=_("Mediation between you and the seller has started."),
    )


def mediation_pause(*, case: Case, actor, reason: str, ip=None) -> Case:
    """Testing or appraisal time does not count towards the 45 working days (Art 21)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != S.MEDIATING or locked.mediation_paused_on:
            raise InvalidTransition(_("Only running mediation can be paused."))
        locked.mediation_paused_on = timezone.localdate()
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.NOTE, body=reason, actor=_user(actor)
        )
        audit_log(
            "complaint.mediation_paused", actor=actor, target=locked, ip=ip, data={"reason": reason}
        )
    case.refresh_from_db()
    return case


def mediation_resume(*, case: Case, actor, ip=None) -> Case:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != S.MEDIATING or not locked.mediation_paused_on:
            raise InvalidTransition(_("Mediation is not paused."))
        today = timezone.localdate()
        calendar = Calendar()
        paused = max(0, calendar.working_days_between(locked.mediation_paused_on, today))
        locked.mediation_paused_days += paused
        locked.mediation_paused_on = None
        limit = rules.working_days(DeadlineRule.Key.MEDIATION, locked.mediation_started_on)
        due = calendar.add_working_days(
            locked.mediation_started_on, limit + locked.mediation_paused_days
        )
        _set_deadline(locked, "mediation_due", due)
        _refresh_sla(locked, calendar=calendar)
        locked.save()
        audit_log(
            "complaint.mediation_resumed",
            actor=actor,
            target=locked,
            ip=ip,
            data={"paused_working_days": paused},
        )
    case.refresh_from_db()
    return case


def mediation_agree(*, case: Case, actor, summary: str, ip=None) -> Case:
    return _transition(
        case,
        S.AGREEMENT,
        actor=actor,
        action="complaint.agreement",
        ip=ip,
        updates={"outcome_reason": summary},
        public_body=_("An agreement was reached: %(summary)s") % {"summary": summary},
    )


def mediation_end(*, case: Case, actor, reason: str, note: str = "", ip=None) -> Case:
    if reason not in MEDIATION_END_REASONS:
        raise ValidationFailed(_("Choose a reason."), fields={"reason": [reason]})
    label = MEDIATION_END_REASONS[reason]
    return _transition(
        case,
        S.MEDIATION_ENDED,
        actor=actor,
        action="complaint.mediation_ended",
        ip=ip,
        note=note,
        data={"reason": reason},
        updates={"outcome_reason": label},
        public_body=_("Mediation has ended without agreement: %(reason)s") % {"reason": label},
    )


def verification_start(*, case: Case, actor, ip=None) -> Case:
    return _transition(
        case,
        S.VERIFYING,
        actor=actor,
        action="report.verifying",
        ip=ip,
        public_body=_("We are verifying your report."),
    )


def verification_extend(*, case: Case, actor, reason: str, ip=None) -> Case:
    """Once, by 15 working days (Order 20 Art 23)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.kind != K.REPORT or locked.status not in (S.RECEIVED, S.VERIFYING):
            raise InvalidTransition(_("Only a report under verification can be extended."))
        if locked.verification_extended:
            raise InvalidTransition(_("Verification can be extended only once."))
        if not reason.strip():
            raise ValidationFailed(_("Give a reason."), fields={"reason": ["required"]})
        received = timezone.localdate(locked.received_at)
        extra = rules.working_days(DeadlineRule.Key.VERIFICATION_EXTENSION, received)
        if locked.verification_due:
            _set_deadline(
                locked, "verification_due", deadline_after(locked.verification_due, extra)
            )
        locked.verification_extended = True
        _refresh_sla(locked)
        locked.save()
        CaseEvent.objects.create(
            case=locked, kind=CaseEvent.Kind.NOTE, body=reason, actor=_user(actor)
        )
        audit_log(
            "report.verification_extended",
            actor=actor,
            target=locked,
            ip=ip,
            data={"reason": reason, "due": locked.verification_due},
        )
    case.refresh_from_db()
    return case


def report_decide(*, case: Case, actor, open_case: bool, reason: str = "", ip=None) -> Case:
    """立案 or not. A named reporter is told the decision (within 5 working days, Art 31): the
    message goes out with the decision and the notice deadline is recorded."""
    today = timezone.localdate()
    updates: dict = {"decided_at": timezone.now(), "outcome_reason": reason}
    body = (
        _("A case has been opened on the conduct you reported.")
        if open_case
        else _("After verification, no case was opened on the conduct you reported.")
    )
    if case.is_named_reporter:
        due = deadline_after(today, rules.working_days(DeadlineRule.Key.REPORTER_NOTICE, today))
        updates.update(_deadline_updates(case, "notice_due", due))
        updates["reporter_notified_at"] = timezone.now()
    case = _transition(
        case,
        S.CASE_OPENED if open_case else S.NOT_OPENED,
        actor=actor,
        action="report.case_opened" if open_case else "report.not_opened",
        ip=ip,
        note=reason,
        updates=updates,
        public_body=body,
    )
    if open_case:
        _risk(case, key=f"report:{case.pk}", points=RISK_POINTS_CASE_OPENED, why="举报已立案")
    return case


def case_close(*, case: Case, actor, note: str = "", ip=None) -> Case:
    return _transition(
        case,
        S.CLOSED,
        actor=actor,
        action="complaint.closed",
        ip=ip,
        note=note,
        public_body=_("Your case is closed."),
    )


def case_release_hold(*, case: Case, actor, ip=None) -> Case:
    Case.objects.filter(pk=case.pk).update(held_for_review=False)
    audit_log("complaint.hold_released", actor=actor, target=case, ip=ip)
    case.held_for_review = False
    return case
