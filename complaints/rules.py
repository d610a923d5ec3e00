"""Statutory time limits and refusal grounds, read from the database (editable by supervisors).

The defaults seeded by migration 0002 follow 《市场监督管理投诉举报处理暂行办法》 (SAMR Order 20,
in force 2019-07-01) and 《市场监督管理投诉举报处理办法》 (SAMR Order 121, in force 2026-04-15),
whose deadlines we keep at the same values until their article text is verified
(docs/complaints.md).
"""

import datetime

from django.db import connection

from complaints.models import DeadlineRule, RefusalGround
from core.errors import ServiceUnavailable

DEFAULT_WORKING_DAYS = {
    DeadlineRule.Key.ACCEPTANCE: 7,
    DeadlineRule.Key.MEDIATION: 45,
    DeadlineRule.Key.VERIFICATION: 15,
    DeadlineRule.Key.VERIFICATION_EXTENSION: 15,
    DeadlineRule.Key.REPORTER_NOTICE: 5,
    DeadlineRule.Key.DUPLICATE_WINDOW: 30,
}


def rule_for(key: str, on: datetime.date) -> DeadlineRule:
    """The rule in force on ``on``: the latest ``effective_from`` not after it."""
    rule = (
        DeadlineRule.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if rule is None:
        raise ServiceUnavailable(
            f"no deadline rule {key!r} in force on {on}: add one in the admin",
            code="no_deadline_rule",
        )
    return rule


def rule_facts(key: str, on: datetime.date) -> tuple[int, str]:
    """(working days, legal source) of ``rule_for(key, on)`` in one plain query (they are read
    for every submission and every receipt page)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT working_days, legal_source FROM {DeadlineRule._meta.db_table} "  # noqa: S608
            "WHERE key = %s AND effective_from <= %s ORDER BY effective_from DESC LIMIT 1",
            [key, connection.ops.adapt_datefield_value(on)],
        )
        row = cursor.fetchone()
    if row is None:
        rule = rule_for(key, on)  # raises the documented error
        return rule.working_days, rule.legal_source
    return row[0], row[1]


def rules_facts(keys, on: datetime.date) -> dict[str, tuple[int, str]]:
    """{key: (working days, legal source)} of the rules in force on ``on`` for several keys in
    one plain query (a stage bar reads two or three); a key without a rule is left out."""
    keys = list(dict.fromkeys(keys))
    marks = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT key, working_days, legal_source FROM {DeadlineRule._meta.db_table} "  # noqa: S608
            f"WHERE key IN ({marks}) AND effective_from <= %s ORDER BY key, effective_from DESC",
            [*keys, connection.ops.adapt_datefield_value(on)],
        )
        rows = cursor.fetchall()
    facts: dict[str, tuple[int, str]] = {}
    for key, days, source in rows:
        facts.setdefault(key, (days, source))  # the latest effective_from of each key
    return facts


def working_days(key: str, on: datetime.date) -> int:
    """``rule_for(key, on).working_days`` in one plain query."""
    return rule_facts(key, on)[0]


def refusal_grounds(on: datetime.date | None = None):
    qs = RefusalGround.objects.filter(active=True)
    if on is not None:
        qs = qs.filter(effective_from__lte=on)
    return qs.order_by("position", "code")
