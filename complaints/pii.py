"""Personal data helpers: masking, the phone blind index, tracking numbers and access codes."""

import hashlib
import hmac
import secrets
import unicodedata

from django.conf import settings

from core.masking import mask_name
from core.phones import mask_phone, phone_key

__all__ = ["mask_name", "mask_phone"]  # re-exported: complaints code masks through this module

# Crockford's base32 without I, L, O, U: nothing to misread on a phone screen.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def phone_blind_index(phone: str) -> str:
    """HMAC-SHA256 of the normalized phone: equal phones give equal values, and the value
    reveals nothing without ``COMPLAINTS_BLIND_INDEX_KEY``."""
    digits = phone_key(phone)
    if not digits:
        return ""
    key = settings.COMPLAINTS_BLIND_INDEX_KEY.encode()
    return hmac.new(key, b"phone:" + digits.encode(), hashlib.sha256).hexdigest()


def mask_address(address: str | None) -> str:
    """Keep the first six characters (province/city), hide the rest."""
    address = (address or "").strip()
    if not address:
        return ""
    return address[:6] + "****"


def mask_id_number(number: str | None) -> str:
    number = (number or "").strip()
    if not number:
        return ""
    return number[:2] + "*" * max(1, len(number) - 4) + number[-2:]


def _random_symbols(n: int) -> str:
    """``n`` symbols of the 32-symbol alphabet, uniformly, from one draw of 5·n random bits
    (one system call instead of one per symbol)."""
    bits = secrets.randbits(5 * n)
    return "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(n))


def new_tracking_number() -> str:
    """``WS-7K3M-Q9XD-2HCP``: 60 random bits, formatted in groups of four."""
    raw = _random_symbols(12)
    return "WS-" + "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def new_access_code() -> str:
    """``K4T9-M2QX-7PZH-D3RW``: 80 random bits; with the tracking number, 140 bits in all."""
    raw = _random_symbols(16)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalize_code(code: str) -> str:
    """Forgive case, spaces, dashes and the usual look-alikes (O→0, I/L→1)."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    return "".join(ch for ch in text if ch in _ALPHABET)


def normalize_tracking_number(value: str) -> str:
    body = normalize_code(value)
    if body.startswith("WS"):
        body = body[2:]
    if len(body) != 12:
        return ""
    return "WS-" + "-".join(body[i : i + 4] for i in range(0, 12, 4))


def hash_access_code(code: str) -> str:
    """The code has 80 random bits, so a keyed hash is enough (no slow KDF needed)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"access:" + normalize_code(code).encode(), hashlib.sha256).hexdigest()


def access_code_matches(code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_access_code(code), stored_hash or "")
