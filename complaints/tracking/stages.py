"""What happens next: the stages of a case with each limit, its rule and deadline, and the
handling office."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints import rules, services
from complaints.models import Case, DeadlineRule, Office
from complaints.tracking.common import K, S


@dataclass
class Stage:
    key: str
    label: str
    state: str  # done, current, upcoming, skipped
    limit: str = ""  # the statutory limit in plain words
    source: str = ""  # the rule it comes from
    due: object = None  # a workdays.Deadline while it runs
    outcome: str = ""
    notes: list[str] = field(default_factory=list)


class _Rules:
    """The deadline rules one stage bar reads, each (days and source) in one query."""

    def __init__(self) -> None:
        self._facts: dict[tuple[str, datetime.date], tuple[int, str] | None] = {}

    def read(self, keys, on: datetime.date) -> None:
        """Read the rules of ``keys`` in force on ``on`` at once (one query for the bar)."""
        try:
            found = rules.rules_facts(keys, on)
        except Exception:  # a missing table or rule must not break the consumer's page
            return
        for key in keys:
            self._facts[key, on] = found.get(key)

    def _get(self, key: str, on: datetime.date) -> tuple[int, str] | None:
        if (key, on) not in self._facts:
            try:
                self._facts[key, on] = rules.rule_facts(key, on)
            except Exception:  # a missing rule must not break the consumer's page
                self._facts[key, on] = None
        return self._facts[key, on]

    def source(self, key: str, on: datetime.date) -> str:
        facts = self._get(key, on)
        return facts[1] if facts else ""

    def days(self, key: str, on: datetime.date, default: int) -> int:
        facts = self._get(key, on)
        return facts[0] if facts else default


def case_stages(case: Case) -> list[Stage]:
    """The stage bar: 登记 → 受理 → 调解 → 办结 for a 投诉, 登记 → 核查 → 处理决定 → 办结 for a
    举报, each with its limit in plain words, the rule it comes from, and its running deadline."""
    received = timezone.localdate(case.received_at)
    facts = _Rules()
    status = case.status
    closed = status == S.CLOSED
    stages = [
        Stage(
            "registered",
            pgettext("stage", "Registered"),
            "done",
            outcome=_("Received on %(date)s") % {"date": f"{received:%Y-%m-%d}"},
        )
    ]
    if case.kind == K.COMPLAINT:
        started = case.mediation_started_on or received
        facts.read(
            [DeadlineRule.Key.ACCEPTANCE]
            + ([DeadlineRule.Key.MEDIATION] if started == received else []),
            received,
        )
        accept_days = facts.days(DeadlineRule.Key.ACCEPTANCE, received, 7)
        mediation_days = facts.days(DeadlineRule.Key.MEDIATION, started, 45)
        accepted = status in (S.ACCEPTED, S.MEDIATING, S.AGREEMENT, S.MEDIATION_ENDED) or (
            closed and case.decided_at and not case.refusal_ground
        )
        refused = status == S.NOT_ACCEPTED or bool(case.refusal_ground)
        acceptance = Stage(
            "acceptance",
            _("Acceptance"),
            "current" if status == S.RECEIVED and not case.withdrawn_at else "done",
            limit=_(
                "Within %(n)s working days of receipt the office decides whether to accept your "
                "complaint and tells you."
            )
            % {"n": accept_days},
            source=facts.source(DeadlineRule.Key.ACCEPTANCE, received),
        )
        if status == S.RECEIVED:
            acceptance.due = services.deadline_of(case, "acceptance_due")
        elif refused:
            acceptance.outcome = _("Not accepted")
        elif accepted:
            acceptance.outcome = _("Accepted")
        mediation = Stage(
            "mediation",
            _("Mediation"),
            "upcoming",
            limit=_(
                "After acceptance the office mediates between you and the seller. Without an "
                "agreement within %(n)s working days mediation ends; time for testing or "
                "appraisal does not count."
            )
            % {"n": mediation_days},
            source=facts.source(DeadlineRule.Key.MEDIATION, started),
        )
        if status in (S.ACCEPTED, S.MEDIATING):
            mediation.state = "current"
            if status == S.MEDIATING:
                mediation.due = services.deadline_of(case, "mediation_due")
        elif status in (S.AGREEMENT, S.MEDIATION_ENDED) or (closed and accepted):
            mediation.state = "done"
            mediation.outcome = (
                _("Agreement reached") if status == S.AGREEMENT else case.outcome_reason or ""
            )
        if refused:
            mediation.state = "skipped"
        finished = Stage(
            "closed",
            pgettext("stage", "Closed"),
            "done" if closed else "upcoming",
            limit=_(
                "When mediation ends the office closes the case; you can confirm the outcome and "
                "rate the handling."
            ),
        )
        if status in (S.AGREEMENT, S.MEDIATION_ENDED, S.NOT_ACCEPTED):
            finished.state = "current"
        stages += [acceptance, mediation, finished]
    else:
        facts.read(
            [
                DeadlineRule.Key.VERIFICATION,
                DeadlineRule.Key.VERIFICATION_EXTENSION,
                DeadlineRule.Key.REPORTER_NOTICE,
            ],
            received,
        )
        verify_days = facts.days(DeadlineRule.Key.VERIFICATION, received, 15)
        extend_days = facts.days(DeadlineRule.Key.VERIFICATION_EXTENSION, received, 15)
        notice_days = facts.days(DeadlineRule.Key.REPORTER_NOTICE, received, 5)
        verification = Stage(
            "verification",
            _("Verification"),
            "current" if status in (S.RECEIVED, S.VERIFYING) else "done",
            limit=_(
                "The office verifies what you reported within %(n)s working days of receipt; it "
                "may extend this once by %(m)s working days."
            )
            % {"n": verify_days, "m": extend_days},
            source=facts.source(DeadlineRule.Key.VERIFICATION, received),
        )
        if status in (S.RECEIVED, S.VERIFYING):
            verification.due = services.deadline_of(case, "verification_due")
        limit = _("The office decides whether to open a case (立案) on the conduct you reported.")
        if not case.anonymous:
            limit += " " + _(
                "A reporter who gave their name is told the decision within %(n)s working days."
            ) % {"n": notice_days}
        decision = Stage(
            "decision",
            _("Decision"),
            "upcoming",
            limit=limit,
            source=facts.source(DeadlineRule.Key.REPORTER_NOTICE, received)
            if not case.anonymous
            else "",
        )
        if status in (S.CASE_OPENED, S.NOT_OPENED):
            decision.state = "current"
            decision.outcome = Case.Status(status).label
        elif closed:
            decision.state = "done"
        finished = Stage("closed", pgettext("stage", "Closed"), "done" if closed else "upcoming")
        stages += [verification, decision, finished]
    if case.withdrawn_at:
        for stage in stages[1:]:
            if stage.state in ("current", "upcoming"):
                stage.state = "skipped"
        stages[-1].state = "done" if closed else "current"
        stages[-1].outcome = _("Withdrawn by you on %(date)s") % {
            "date": f"{timezone.localtime(case.withdrawn_at):%Y-%m-%d}"
        }
    return stages


def office_for(region_code: str) -> Office | None:
    """The office of the longest matching region prefix (440106, 440100, 440000)."""
    code = (region_code or "").strip()
    if len(code) != 6:
        return None
    candidates = [code, code[:4] + "00", code[:2] + "0000"]
    # One plain statement (it runs for every receipt and case page), read into Office rows.
    columns = ("id", "region_code", "name", "phone", "address", "hours", "active")
    sql = (
        f"SELECT {', '.join(columns)} FROM {Office._meta.db_table} "  # noqa: S608 (names)
        "WHERE region_code IN (%s, %s, %s) AND active = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*candidates, True])
        rows = cursor.fetchall()
    offices = {
        row[1]: Office.from_db(connection.alias, columns, (*row[:-1], bool(row[-1])))
        for row in rows
    }
    for candidate in candidates:
        if candidate in offices:
            return offices[candidate]
    return None
