"""Every write of the WeChat channel.

``message_receive`` stores the message verbatim with its SHA-256 and an outbox row in one
transaction before anything else; WeChat's retries of the same ``MsgId`` meet the unique
constraint and get the first one's answer. Filing (a draft 举报 through the complaints intake,
or evidence on the conversation's open case) is quick and is tried at once so the passive reply
can give the tracking number; the image download and anything that failed run from the outbox
(``wechat.message_process``), which is idempotent.
"""

import datetime
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from complaints.evidence import check_upload
from complaints.models import Case
from complaints.services import ReportDraft, evidence_add, report_draft_submit
from core.errors import ServiceError, ServiceUnavailable
from core.models import OutboxMessage
from core.outbox import outbox_enqueue, publish
from wechat import protocol, replies, selectors
from wechat.media import MediaError, MediaGone, media_client
from wechat.models import WeChatMessage

log = logging.getLogger(__name__)

M = WeChatMessage
TASK = "wechat.message_process"
SUPPORTED = {M.Type.TEXT, M.Type.LINK, M.Type.IMAGE}
MEDIA_DAYS = 3  # WeChat keeps a temporary media file this long
MEDIA_PAUSES = (0.5, 2.0)  # seconds between the tries of one run; then the outbox retries
ERASED = "已删除"  # stands for the sender's OpenID in a message's XML once erased


def message_receive(*, acct: protocol.Account, xml: str, encrypted: bool):
    """Store one message and try to file it; returns ``(parsed, message)``. ``message`` is None
    for what is not kept (events, voice, video, location): the reply explains."""
    parsed = protocol.parse(xml)
    if parsed.type not in SUPPORTED or not parsed.id:
        return parsed, None
    fields = {
        "account": (parsed.target or "")[:64],
        "openid": (parsed.source or "")[:64],
        "msg_type": parsed.type,
        "sent_at": parsed.create_time or timezone.now(),
        "encrypted": encrypted,
        "xml": xml,
        "sha256": hashlib.sha256(xml.encode()).hexdigest(),
        "region_code": acct.region,
    }
    if parsed.type == M.Type.TEXT:
        fields["content"] = parsed.content or ""
    elif parsed.type == M.Type.LINK:
        fields.update(
            title=(parsed.title or "")[:500], description=parsed.description or "", url=parsed.url
        )
    else:
        fields.update(media_id=(parsed.media_id or "")[:200], pic_url=parsed.image or "")
    try:
        with transaction.atomic():
            message = M.objects.create(msg_id=parsed.id, **fields)
            _enqueue(message)
    except IntegrityError:  # WeChat's retry of a message we have
        message = M.objects.filter(msg_id=parsed.id).first()
        if message is None:
            raise
    if message.state == M.State.RECEIVED:
        try:
            message_file(message_id=message.pk)
        except Exception:  # stored and in the outbox: filed from there
            log.exception("WeChat message %s not filed yet", message.pk)
        message.refresh_from_db()
    return parsed, message


def _enqueue(message: WeChatMessage) -> None:
    """The outbox row, in the caller's transaction. Without a broker (tasks in-process) the
    task runs on a thread after commit, so the answer to WeChat never waits for a download."""
    kwargs, key = {"message_id": message.pk}, f"wechat:{message.pk}"
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        outbox_enqueue(TASK, kwargs=kwargs, key=key)
        return
    row = OutboxMessage.objects.create(task_name=TASK, payload=kwargs, dedupe_key=key)
    transaction.on_commit(lambda: _on_thread(row.pk))


def _on_thread(row_id: int) -> None:
    if connection.in_atomic_block:  # a test's transaction: another connection sees nothing
        publish(row_id)
        return

    def run() -> None:
        try:  # a few tries, as SQLite has one writer at a time
            for attempt in range(5):
                try:
                    if publish(row_id):
                        return
                except Exception:
                    log.warning("WeChat follow-up %s failed (try %s)", row_id, attempt + 1)
                time.sleep(0.2 * (attempt + 1))
        finally:  # still failing: the row waits for outbox_sweep
            connections.close_all()

    threading.Thread(target=run, name="wechat-follow-up", daemon=True).start()


def message_process(*, message_id: int) -> None:
    """The outbox task: file the message if that did not happen at once, then fetch its image.
    Raises when the image should be tried again later."""
    message_file(message_id=message_id)
    message_fetch_media(message_id=message_id)


def _message_text(message: WeChatMessage) -> str:
    if message.msg_type == M.Type.TEXT:
        return message.content
    if message.msg_type == M.Type.LINK:
        return "\n".join(
            line
            for line in (
                f"标题：{message.title}" if message.title else "",
                f"摘要：{message.description}" if message.description else "",
                f"链接：{message.url}" if message.url else "",
            )
            if line
        )
    return ""


def _description(message: WeChatMessage) -> str:
    sent = timezone.localtime(message.sent_at).strftime("%Y-%m-%d %H:%M")
    head = {
        M.Type.TEXT: f"【微信公众号留言，{sent}】",
        M.Type.LINK: f"【微信公众号转发的文章，{sent}】",
        M.Type.IMAGE: f"【微信公众号发来的图片，{sent}，见证据】",
    }[message.msg_type]
    return f"{head}\n{_message_text(message)}".strip()


def message_file(*, message_id: int) -> WeChatMessage:
    """Make the message a draft 举报, or evidence on the open case of the conversation.
    Idempotent: a message filed once is left alone."""
    with transaction.atomic():
        message = M.objects.select_for_update().get(pk=message_id)
        if message.state != M.State.RECEIVED:
            return message
        now = timezone.now()
        text = _message_text(message)
        if message.msg_type == M.Type.TEXT and not selectors.text_without_numbers(text):
            # only a tracking number: the sender asks after their case (none if not theirs)
            case = selectors.named_case(openid=message.openid, text=text)
            if case is not None or selectors.tracking_numbers_in(text):
                return _save(message, case=case, state=M.State.QUERY, processed_at=now)
        case = selectors.conversation_case(openid=message.openid, text=text, now=now)
        if case is not None and message.msg_type == M.Type.IMAGE:
            return _save(message, case=case, state=M.State.MEDIA_PENDING)
        if case is not None:
            try:
                checked = check_upload(
                    ContentFile(text.encode(), name=f"微信消息-{message.msg_id}.txt")
                )
                evidence = evidence_add(case=case, files=[checked])[0]
            except ServiceUnavailable:  # storage down: rolled back, the outbox tries again
                raise
            except ServiceError as exc:  # the case is full or closed: a new report instead
                log.info("message %s not added to %s: %s", message.pk, case, exc)
            else:
                return _save(
                    message, case=case, evidence=evidence, state=M.State.EVIDENCE,
                    processed_at=now,
                )  # fmt: skip
        submitted = report_draft_submit(
            draft=ReportDraft(
                description=_description(message),
                received_region=message.region_code,
                source=Case.Source.WECHAT,
            )
        )
        if message.msg_type == M.Type.IMAGE:
            return _save(
                message, case=submitted.case, opened_case=True, state=M.State.MEDIA_PENDING
            )
        return _save(
            message, case=submitted.case, opened_case=True, state=M.State.FILED, processed_at=now
        )


def _save(message: WeChatMessage, **changes) -> WeChatMessage:
    for key, value in changes.items():
        setattr(message, key, value)
    message.save(update_fields=list(changes))
    return message


def message_fetch_media(*, message_id: int) -> None:
    """Download the image of a filed image message and store it as evidence of its case,
    through the complaints evidence checks. Tries a few times now; raises ``MediaError`` for
    the outbox to try again later; an expired, unknown or refused image is recorded, not
    retried."""
    message = M.objects.filter(pk=message_id, state=M.State.MEDIA_PENDING).first()
    if message is None or message.evidence_id:
        return
    if timezone.now() - message.received_at > datetime.timedelta(days=MEDIA_DAYS):
        _fail(message, "微信只保留图片3天，已过期，无法下载")
        return
    acct = protocol.account()
    if acct is None:
        raise MediaError("the WeChat channel is not configured; the image waits")
    client = media_client(acct)
    for attempt in range(len(MEDIA_PAUSES) + 1):
        M.objects.filter(pk=message.pk).update(media_attempts=F("media_attempts") + 1)
        try:
            media = client.fetch(message.media_id)
            break
        except MediaGone as exc:
            _fail(message, f"微信拒绝提供图片：{exc}")
            return
        except MediaError as exc:
            M.objects.filter(pk=message.pk).update(error=f"图片下载失败，将重试：{exc}"[:2000])
            if attempt == len(MEDIA_PAUSES):
                raise
            time.sleep(MEDIA_PAUSES[attempt])
    try:
        checked = check_upload(ContentFile(media.content, name=f"微信图片-{message.msg_id}"))
        with transaction.atomic():
            locked = M.objects.select_for_update().get(pk=message.pk)
            if locked.evidence_id or locked.state != M.State.MEDIA_PENDING:
                return
            evidence = evidence_add(case=locked.case, files=[checked])[0]
            _save(
                locked,
                evidence=evidence,
                state=M.State.FILED if locked.opened_case else M.State.EVIDENCE,
                error="",
                processed_at=timezone.now(),
            )
    except ServiceUnavailable as exc:  # storage down: the outbox tries again later
        M.objects.filter(pk=message.pk).update(error=f"图片暂未能保存，将重试：{exc.detail}"[:2000])
        raise
    except ServiceError as exc:  # not an accepted image, or the case is closed or full
        _fail(message, f"图片未能保存为证据：{exc.detail}")


def _fail(message: WeChatMessage, why: str) -> None:
    M.objects.filter(pk=message.pk).update(
        state=M.State.FAILED, error=why[:2000], processed_at=timezone.now()
    )


def case_messages_erase(sender, *, case, **kwargs) -> dict:
    """The account's part of a case's personal-data erasure (receiver of
    ``complaints.services.personal.case_pii_erasing``, in its transaction): on every message of
    the case the sender's OpenID is blanked and replaced by 已删除 in the stored XML, so the
    conversation can no longer be tied to a WeChat user. What the consumer sent stays, as the
    case's description and evidence do; the SHA-256 is the one of the message as received."""
    erased = 0
    for message in M.objects.select_for_update().filter(case_id=case.pk).exclude(openid=""):
        M.objects.filter(pk=message.pk).update(
            openid="", xml=message.xml.replace(message.openid, ERASED)
        )
        erased += 1
    return {"wechat_messages": erased} if erased else {}


def answer_for(message: WeChatMessage | None, parsed) -> str:
    """The passive reply text (Chinese) for a stored message or an unsupported one."""
    if message is None:
        return replies.unsupported(parsed)
    case: Case | None = message.case
    return replies.for_message(message, case)
