"""What happens after a submission is stored: merchant linking, category suggestion,
duplicates, previews — through the outbox, or without a broker on one low-priority thread of
the process that runs between its requests, never beside them."""

import logging
import os
import threading
import time
from functools import partial

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connection
from django.utils import timezone

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
from core.outbox import BackgroundPublisher, outbox_request_publish, publish
from merchants.models import MerchantAccount
from merchants.services import merchant_resolve
from scanning import default_scanner

log = logging.getLogger(__name__)


def _after_intake_enqueue(case: Case) -> int:
    """Record the follow-up work of a new case in the outbox, in the caller's transaction, and
    return the row's id; intake publishes it (``follow_up_publish``) once the evidence is stored,
    so the follow-up sees the files and makes their previews in the same run. A process that
    dies in between leaves the row for ``outbox_sweep``: the row is written already counted as
    published (one ``UPDATE`` fewer per submission), so the sweeper publishes it again once
    ``OUTBOX_REPUBLISH_AFTER_SECONDS`` have passed, as any row whose worker died. The key holds
    the new case's id, so no earlier row can carry it: no look-up first."""
    message = OutboxMessage.objects.create(
        task_name="complaints.after_intake",
        payload={"case_id": case.pk},
        dedupe_key=f"intake:{case.pk}",
        published_at=timezone.now(),
        publish_attempts=1,
    )
    return message.pk


def follow_up_publish(message_id: int) -> None:
    """After commit: with a broker the row goes to the process's outbox publisher (never
    waiting for the broker here); without one its work runs on this process's follow-up thread,
    after the requests (``_FollowUps``). Either way the receipt never waits for it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _in_background(partial(publish, stamped=True), message_id)
    else:
        outbox_request_publish(message_id, stamped=True)


class _Requests:
    """The requests this process is answering (``request_started``/``request_finished``), so
    that the follow-up thread runs in the gaps between them rather than beside them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0
        self.last_end = 0.0

    def started(self, **kwargs) -> None:
        with self._lock:
            self.in_flight += 1

    def finished(self, **kwargs) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)
            self.last_end = time.monotonic()

    def idle_for(self) -> float:
        """Seconds since this process last answered a request (0 while it answers one)."""
        return 0.0 if self.in_flight else time.monotonic() - self.last_end


REQUESTS = _Requests()
request_started.connect(REQUESTS.started, dispatch_uid="complaints-follow-ups-started")
request_finished.connect(REQUESTS.finished, dispatch_uid="complaints-follow-ups-finished")


class _FollowUps(BackgroundPublisher):
    """Without a broker: the follow-up work of this process's submissions, run one after the
    other on one thread of the process (its database connection kept by the request rule), not
    a new thread and connection per submission. ``submit`` takes ``(func, args, queued at)``;
    the thread runs at nice 19 and starts each call only when the process has answered no
    request for ``IDLE_SECONDS`` (or the call has waited ``LONGEST_WAIT_SECONDS``), so a burst
    of submissions is answered first and followed up after it. A call that raises or returns
    False is tried again after a pause (SQLite has one writer at a time, and a request may hold
    it), ``TRIES`` times at most; then its outbox row is left for ``outbox_sweep``. The pause is
    that call's own (a timer submits it again): the calls queued behind it run meanwhile."""

    name = "complaint-follow-ups"
    TRIES = 5
    IDLE_SECONDS = 0.5  # a step starts once the process has answered nothing for this long…
    LONGEST_WAIT_SECONDS = 60.0  # …or once it has waited this long (a site busy without end)

    def __init__(self) -> None:
        super().__init__()
        self._tries: dict[tuple, int] = {}

    def publish(self, ids: list) -> list:
        on_thread = threading.current_thread() is self._thread
        if on_thread:
            _lowest_priority()
        left = []
        for item in ids:
            func, args, queued = item
            if on_thread:
                self._after_requests(queued)
            try:
                done = func(*args) is not False
            except Exception:
                log.warning("follow-up %s failed", args, exc_info=True)
                done = False
            tries = 0 if done else self._tries.get(item, 0) + 1
            if done or tries >= self.TRIES:
                self._tries.pop(item, None)
            elif on_thread:
                self._tries[item] = tries
                self._again_later(item, tries)
            else:  # a flush from another thread (exit): the thread tries it again
                self._tries[item] = tries
                left.append(item)
        return left

    def _again_later(self, item: tuple, tries: int) -> None:
        """Submit ``item`` again after its pause (1, 2, 4… s, at most ``RETRY_MAX``), so that
        one failing call does not hold up the follow-ups of the other submissions."""
        pause = min(self.RETRY_FIRST * 2 ** (tries - 1), self.RETRY_MAX)
        timer = threading.Timer(pause, self.submit, args=([item],))
        timer.daemon = True
        timer.start()

    def _after_requests(self, queued: float) -> None:
        """Wait until the process is between requests (or the step has waited its longest)."""
        while (
            REQUESTS.idle_for() < self.IDLE_SECONDS
            and time.monotonic() - queued < self.LONGEST_WAIT_SECONDS
        ):
            time.sleep(0.1)


def _lowest_priority() -> None:
    """The follow-up thread gives way to its process's requests: Linux schedules threads on
    their own, so the thread's nice value goes to 19."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (AttributeError, OSError):
        pass


FOLLOW_UPS = _FollowUps()


def _in_background(func, *args) -> None:
    """Run ``func(*args)`` on this process's follow-up thread. Inside a transaction that is
    still open (a test's, around the whole test) another connection could not see the rows, so
    it runs here instead."""
    if connection.in_atomic_block:
        func(*args)
        return
    FOLLOW_UPS.submit([(func, args, time.monotonic())])


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
