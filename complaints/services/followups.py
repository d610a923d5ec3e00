"""What happens after a submission is stored: merchant linking, category suggestion,
duplicates, previews — through the outbox, or on one thread of the process without a broker."""

import logging

from django.conf import settings
from django.db import connection, transaction

from complaints import duplicates
from complaints.evidence import make_preview
from complaints.evidence_store import (
    preview_store,
)
from complaints.models import Case, Evidence
from core.errors import (
    ValidationFailed,
)
from core.models import OutboxMessage
from core.outbox import BackgroundPublisher, outbox_enqueue, publish
from merchants.models import MerchantAccount
from merchants.services import merchant_resolve
from scanning import default_scanner

log = logging.getLogger(__name__)


def _after_intake_enqueue(
    case: Case, *, task: str = "complaints.after_intake", key: str = "intake"
) -> None:
    """The follow-up work goes through the outbox, published after commit. Without a broker
    (tasks run in-process, the newcomer default) it runs on a thread once the transaction has
    committed, so the receipt never waits for it. A thread that dies leaves the row for
    ``outbox_sweep``, like an unpublished message."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        outbox_enqueue(task, kwargs={"case_id": case.pk}, key=f"{key}:{case.pk}")
        return
    message = OutboxMessage.objects.create(
        task_name=task, payload={"case_id": case.pk}, dedupe_key=f"{key}:{case.pk}"
    )
    transaction.on_commit(lambda: _in_background(publish, message.pk))


class _FollowUps(BackgroundPublisher):
    """Without a broker: the follow-up work of this process's submissions, run one after the
    other on one thread of the process (its database connection kept by the request rule), not
    a new thread and connection per submission. ``submit`` takes ``(func, args)`` pairs; a pair
    whose call raises or returns False is tried again after a pause (SQLite has one writer at a
    time, and a request may hold it), ``TRIES`` times at most; then its outbox row is left for
    ``outbox_sweep``."""

    name = "complaint-follow-ups"
    TRIES = 5

    def __init__(self) -> None:
        super().__init__()
        self._tries: dict[tuple, int] = {}

    def publish(self, ids: list) -> list:
        left = []
        for item in ids:
            func, args = item
            try:
                done = func(*args) is not False
            except Exception:
                log.warning("follow-up %s failed", args, exc_info=True)
                done = False
            tries = 0 if done else self._tries.get(item, 0) + 1
            if done or tries >= self.TRIES:
                self._tries.pop(item, None)
            else:
                self._tries[item] = tries
                left.append(item)
        return left


FOLLOW_UPS = _FollowUps()


def _in_background(func, *args) -> None:
    """Run ``func(*args)`` on this process's follow-up thread. Inside a transaction that is
    still open (a test's, around the whole test) another connection could not see the rows, so
    it runs here instead."""
    if connection.in_atomic_block:
        func(*args)
        return
    FOLLOW_UPS.submit([(func, args)])


def after_intake(*, case_id: int) -> None:
    """Follow-up work after a submission is safely stored. Each step is idempotent and guarded,
    so one failing step neither blocks the others nor touches the stored submission."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return
    failures = []
    for step in (case_link_merchant, case_suggest_category, duplicates_find, previews_make):
        try:
            step(case=case)
        except Exception as exc:
            log.exception("after_intake step %s failed for case %s", step.__name__, case_id)
            failures.append(exc)
    if failures:
        raise failures[0]  # the outbox keeps the message and tries again later


def case_link_merchant(*, case: Case) -> None:
    """Resolve the merchant the consumer named; jurisdiction follows the merchant's domicile
    when known (Order 20 Art 11: network services → domicile), else where first received."""

    if case.merchant_id:
        return
    P = MerchantAccount.Platform
    for platform, handle in (
        (P.WECHAT_ID, case.merchant_wechat_id),
        (P.OFFICIAL_ACCOUNT, case.merchant_official_account),
        (P.PHONE, case.merchant_phone),
    ):
        if not handle.strip():
            continue
        try:
            merchant = merchant_resolve(
                platform=platform,
                handle=handle,
                display_name=case.merchant_name,
                region_code=case.region_code,  # a new merchant takes the handling region
            )
            break
        except ValidationFailed:  # a handle that normalises to nothing: try the next one
            continue
    else:
        return
    updates = {"merchant": merchant}
    if merchant.region_code and merchant.region_code != case.region_code:
        updates["region_code"] = merchant.region_code
    Case.objects.filter(pk=case.pk).update(**updates)
    for key, value in updates.items():
        setattr(case, key, value)


def case_suggest_category(*, case: Case) -> None:
    """Ask the scanning engine; the consumer's own choice wins, the suggestion fills a blank."""
    if case.suggested_category:
        return
    suggestion = suggest_category(case.description + "\n" + case.demand)
    if not suggestion:
        return
    updates = {"suggested_category": suggestion}
    if not case.category:
        updates["category"] = suggestion
    Case.objects.filter(pk=case.pk).update(**updates)
    for key, value in updates.items():
        setattr(case, key, value)


def suggest_category(text: str) -> str:
    # A complaint describes what the seller did, so the findings its stance layer sets aside
    # (a consumer reporting a fake, quoting a claim) are what the complaint is about.
    result = default_scanner().scan(text or "")
    categories = {f.category for f in (*result.findings, *result.suppressed)}
    for category in ("phishing", "counterfeit", "three_no", "false_ad"):
        if category in categories:
            return category
    if "集赞" in text and any(
        w in text for w in ("礼品", "奖品", "赠品", "不兑现", "没给", "没有给")
    ):
        return Case.Category.GIFT_NOT_DELIVERED
    return ""


def duplicates_find(*, case: Case) -> int:
    """Suggest (never merge) cases of the duplicate window with the same merchant account and
    the same complainant phone, or near-identical text, found through indexes
    (``complaints.duplicates``)."""
    return duplicates.duplicates_find(case=case)


PREVIEW_KINDS = ("jpeg", "png", "webp", "heic")


def previews_make(*, case: Case) -> None:
    for evidence in case.evidence.filter(preview="", kind__in=PREVIEW_KINDS):
        evidence_preview_make(evidence=evidence)


def evidence_preview_make(*, evidence: Evidence) -> None:
    if evidence.preview:
        return
    data = make_preview(evidence.file.name)
    if data:
        preview_store(evidence, data)
