"""WeChat's callback protocol: signatures, the timestamp window, safe-mode AES, replies.

wechatpy (``wechatpy[cryptography]``) does the AES framing, the XML parsing and the reply XML.
This module adds what it lacks (docs/decisions.md): the age of ``timestamp`` is checked (a
captured request cannot be replayed later), signatures are compared in constant time, and the
previous EncodingAESKey still decrypts while WeChat rolls over to a new one. No Django here
beyond the settings read by ``account()``.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import xmltodict  # wechatpy's own XML parser (its dependency)
from django.conf import settings
from wechatpy.crypto import PrpCrypto
from wechatpy.parser import parse_message
from wechatpy.replies import TextReply

# A message body larger than this is not from WeChat (a text message holds 2,048 characters).
MAX_BODY_BYTES = 64 * 1024


class Refused(Exception):
    """The request is not a valid call from WeChat; ``status`` is the HTTP answer (4xx)."""

    def __init__(self, reason: str, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Account:
    """The Official Account's server configuration (公众平台 → 设置与开发 → 基本配置)."""

    app_id: str
    app_secret: str
    token: str
    aes_keys: tuple[bytes, ...]  # the current EncodingAESKey first, then the previous one
    region: str
    window: int  # seconds a signed timestamp stays valid

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_keys)


def aes_key(encoding_aes_key: str) -> bytes:
    """The 43-character EncodingAESKey → the 32-byte AES key."""
    try:
        key = base64.b64decode(encoding_aes_key.strip() + "=", validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 32:
        raise ValueError("an EncodingAESKey is 43 characters of base64 (32 bytes)")
    return key


def account() -> Account | None:
    """The configured account, or None: the channel is off (the endpoint answers 404)."""
    if not settings.WECHAT_TOKEN or not settings.WECHAT_APP_ID:
        return None
    keys = tuple(
        aes_key(k)
        for k in (settings.WECHAT_ENCODING_AES_KEY, settings.WECHAT_PREVIOUS_ENCODING_AES_KEY)
        if k
    )
    return Account(
        app_id=settings.WECHAT_APP_ID,
        app_secret=settings.WECHAT_APP_SECRET,
        token=settings.WECHAT_TOKEN,
        aes_keys=keys,
        region=settings.WECHAT_REGION,
        window=settings.WECHAT_TIMESTAMP_WINDOW_SECONDS,
    )


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's)


def _same(expected: str, given: str | None) -> bool:
    return hmac.compare_digest(expected.encode(), (given or "").encode())


def check_request(
    acct: Account, *, signature_: str | None, timestamp: str | None, nonce: str | None,
    now: float | None = None,
) -> None:  # fmt: skip
    """The query string's ``signature`` over token, timestamp and nonce, and a fresh timestamp.
    Raises ``Refused``."""
    if not timestamp or not nonce or not signature_:
        raise Refused("signature, timestamp and nonce are required", status=400)
    try:
        stamp = int(timestamp)
    except ValueError:
        raise Refused("timestamp is not a number", status=400) from None
    if not _same(signature(acct.token, timestamp, nonce), signature_):
        raise Refused("signature does not match")
    now = time.time() if now is None else now
    if abs(now - stamp) > acct.window:
        raise Refused(f"timestamp outside the {acct.window} s window")


def decrypt(acct: Account, *, encrypt: str, msg_signature: str | None, timestamp: str, nonce: str):
    """The plaintext XML inside a safe-mode ``<Encrypt>``, after checking ``msg_signature``.
    Tries the current key, then the previous one. Raises ``Refused``."""
    if not acct.safe_mode:
        raise Refused("an encrypted message, but no EncodingAESKey is configured", status=400)
    if not _same(signature(acct.token, timestamp, nonce, encrypt), msg_signature):
        raise Refused("msg_signature does not match")
    for key in acct.aes_keys:
        try:
            # wechatpy checks the AppID at the end of the plaintext (InvalidAppIdException)
            return PrpCrypto(key).decrypt(encrypt, acct.app_id)
        except Exception:  # noqa: S112 (a wrong key yields garbage: next key)
            continue
    raise Refused("the message does not decrypt with the configured keys", status=400)


def encrypt_reply(acct: Account, xml: str, *, nonce: str | None = None, timestamp=None) -> str:
    """A reply in safe mode: ``<Encrypt>`` with the current key, signed."""
    nonce = nonce or secrets.token_hex(8)
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    encrypted = PrpCrypto(acct.aes_keys[0]).encrypt(xml, acct.app_id).decode()
    sig = signature(acct.token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{sig}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def parse(xml: str):
    """wechatpy's message object for ``xml`` (``TextMessage``, ``LinkMessage`` …). Raises
    ``Refused`` for XML that is not a WeChat message. xmltodict refuses entities."""
    try:
        message = parse_message(xml)
    except Exception:
        raise Refused("the body is not a WeChat message", status=400) from None
    if message is None:
        raise Refused("empty body", status=400)
    return message


def envelope(xml: str) -> dict:
    """The outer XML of a POST: ``{"ToUserName": …, "Encrypt": …}`` in safe mode."""
    try:
        data = xmltodict.parse(xml, disable_entities=True).get("xml")
    except Exception:
        raise Refused("the body is not XML", status=400) from None
    if not isinstance(data, dict):
        raise Refused("the body is not a WeChat message", status=400)
    return data


def text_reply(message, content: str) -> str:
    """The passive reply XML (plaintext) to ``message``."""
    return TextReply(message=message, content=content).render()
