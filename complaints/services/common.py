"""Shared by the complaints services: the state machine's table, mediation's end reasons,
the risk points a case adds to its merchant, and what a submission returns."""

import logging
from dataclasses import dataclass, field

from django.db import transaction

from complaints.models import Case
from merchants.services import risk_component_record

log = logging.getLogger(__name__)


S = Case.Status
K = Case.Kind

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    K.COMPLAINT: {
        S.RECEIVED: {S.ACCEPTED, S.NOT_ACCEPTED},
        S.ACCEPTED: {S.MEDIATING, S.CLOSED},
        S.MEDIATING: {S.AGREEMENT, S.MEDIATION_ENDED},
        S.AGREEMENT: {S.CLOSED},
        S.MEDIATION_ENDED: {S.CLOSED},
        S.NOT_ACCEPTED: {S.CLOSED},
    },
    K.REPORT: {
        S.RECEIVED: {S.VERIFYING, S.CASE_OPENED, S.NOT_OPENED},
        S.VERIFYING: {S.CASE_OPENED, S.NOT_OPENED},
        S.CASE_OPENED: {S.CLOSED},
        S.NOT_OPENED: {S.CLOSED},
    },
}

# 《暂行办法》 Art 21 / Order 121: why mediation ends without agreement.
MEDIATION_END_REASONS = {
    "withdrawn": "投诉人撤回投诉",
    "no_testing_agreement": "双方对检测、鉴定等无法达成一致",
    "party_refused": "一方无正当理由拒绝调解",
    "no_agreement": "一方表示无法达成调解协议",
    "time_limit": "自受理之日起超过45个工作日未达成调解协议",
    "refusal_ground_found": "发现存在不予受理情形",
    "other": "其他",
}

RISK_POINTS_ACCEPTED = 5.0
RISK_POINTS_CASE_OPENED = 10.0


@dataclass
class Submitted:
    case: Case
    access_code: str  # shown once, never stored
    mailed: bool = False  # the receipt e-mail went out (set after commit)
    not_stored: list[str] = field(default_factory=list)  # evidence files the disk/db refused
    follow_up: int | None = None  # its outbox row, published once the evidence is stored


def _risk(case: Case, *, key: str, points: float, why: str) -> None:
    if not case.merchant_id:
        return

    def record():
        try:
            risk_component_record(
                merchant_id=case.merchant_id,
                source="complaints",
                key=key,
                points=points,
                explanation=f"{why} {case.tracking_number}",
            )
        except Exception:
            log.exception("risk hook failed for case %s", case.pk)

    transaction.on_commit(record)


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None
