"""The one-time form token (a refresh or a double tap files once) and the receipt (the form's
answer, and a page of its own), with the access code kept encrypted in the session for a
short while."""

import base64
import datetime
import hashlib
import json
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from complaints.models import Case, SubmissionToken
from complaints.tracking.common import (
    RECEIPT_CODE_SECONDS,
    SESSION_RECEIPTS,
    SESSION_TRACKED,
    TOKEN_DAYS,
)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def valid_form_token(value: str) -> bool:
    return (
        bool(value) and 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()
    )


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"complaints-receipt:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


_tokens_swept = [0.0]  # when this process last removed expired tokens (monotonic seconds)
TOKEN_SWEEP_SECONDS = 600


class TokenTaken(Exception):
    """Another request has filed under this form token: roll this one's cases back."""


def submission_token_record(token: str, case_ids: list[int]) -> None:
    """Record that ``token`` filed ``case_ids``, as the last statement of the caller's
    transaction; raises ``TokenTaken`` (the caller's transaction must then roll back, taking
    its cases with it) when another request got there first: the token's unique index decides
    a double tap, with one statement instead of a claim and an update. Tokens older than
    ``TOKEN_DAYS`` are removed at most every ``TOKEN_SWEEP_SECONDS`` per process."""
    if time.monotonic() - _tokens_swept[0] >= TOKEN_SWEEP_SECONDS:
        _tokens_swept[0] = time.monotonic()
        SubmissionToken.objects.filter(
            created_at__lt=timezone.now() - datetime.timedelta(days=TOKEN_DAYS)
        ).delete()
    try:
        SubmissionToken.objects.create(token=token, case_ids=case_ids)
    except IntegrityError:
        raise TokenTaken(token) from None


def submission_token_cases(token: str, *, wait_seconds: float = 10.0) -> list[int]:
    """The case ids filed under ``token``; waits a little for a request still filing them (a
    double tap: both requests arrive at once)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        row = SubmissionToken.objects.filter(token=token).first()
        if row is not None and row.case_ids:
            return list(row.case_ids)
        if time.monotonic() >= deadline:
            return []
        time.sleep(0.2)


def receipt_remember(session, token: str, results) -> None:
    """Let this browser see the receipt of ``token`` again, and the codes for a short while."""
    codes = {str(r.case.pk): r.access_code for r in results}
    blob = _fernet().encrypt(json.dumps(codes).encode()).decode()
    receipts = {
        key: value
        for key, value in session.get(SESSION_RECEIPTS, {}).items()
        if value.get("at", 0) > time.time() - 24 * 3600
    }
    receipts[token] = {
        "cases": [r.case.pk for r in results],
        "codes": blob,
        "at": int(time.time()),
        "mailed": any(getattr(r, "mailed", False) for r in results),
        "not_stored": {str(r.case.pk): r.not_stored for r in results if r.not_stored},
    }
    session[SESSION_RECEIPTS] = receipts
    tracked = set(session.get(SESSION_TRACKED, []))
    session[SESSION_TRACKED] = sorted(tracked | {r.case.pk for r in results})


RECEIPT_UNREAD = (
    "complainant_name",
    "complainant_phone",
    "complainant_address",
    "complainant_id_number",
    "description",
    "demand",
)


def receipt_recall(session, token: str) -> tuple[list[Case], dict[int, str], bool] | None:
    """(cases, {case id: code} while still readable, mailed) for a receipt of this browser."""
    entry = session.get(SESSION_RECEIPTS, {}).get(token)
    if not entry:
        return None
    # Ordered here below, not by the model's default ordering; the receipt shows none of the
    # complainant's encrypted details but the e-mail (decrypting each costs a Fernet pass).
    cases = list(Case.objects.filter(pk__in=entry["cases"]).defer(*RECEIPT_UNREAD).order_by())
    cases.sort(key=lambda c: entry["cases"].index(c.pk))
    codes: dict[int, str] = {}
    if entry.get("codes"):
        try:
            raw = _fernet().decrypt(entry["codes"].encode(), ttl=RECEIPT_CODE_SECONDS)
            codes = {int(k): v for k, v in json.loads(raw).items()}
        except InvalidToken:  # expired: forget the codes for good
            entry["codes"] = ""
            session.modified = True
    return cases, codes, bool(entry.get("mailed"))


def receipt_not_stored(session, token: str) -> dict[int, list[str]]:
    """{case id: names of the evidence files that could not be stored} for a receipt."""
    entry = session.get(SESSION_RECEIPTS, {}).get(token) or {}
    return {int(pk): names for pk, names in (entry.get("not_stored") or {}).items()}
