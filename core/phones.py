"""Phone numbers, read once for the whole project on libphonenumber's data (``phonenumbers``).

Every place that stores, matches, indexes or masks a phone number uses :func:`phone_key`, so the
same number written loosely (``0086 138-0013-8000``, ``+86 13800138000``, ``138 0013 8000``) is one
key everywhere: a merchant's phone account, a complaint's blind index, a masked list.

The key is the number as dialled inside mainland China, digits only: ``13800138000`` for a
mobile, ``01012345678`` for a landline with its area code. A number of another country keeps its
country code in front (``16502530000``). Text that is not a phone number at all keeps its digits
only, so a loose key still compares equal to itself.

>>> phone_key("0086 138-0013-8000"), phone_key("+86 13800138000"), phone_key("8613800138000")
('13800138000', '13800138000', '13800138000')
>>> phone_key("(010) 1234-5678"), phone_key("0086 10 12345678")
('01012345678', '01012345678')
>>> is_valid_phone("13800138000"), is_valid_phone("010-12345678"), is_valid_phone("12345")
(True, True, False)
>>> mask_phone("+86 138 1234 5678")
'138****5678'
>>> mask_phones_in("加vx 138 1234 5678 或打电话(010)1234-5678，价格13800元")
'加vx 138****5678 或打电话010****5678，价格13800元'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers

_REGION = "CN"


@lru_cache(maxsize=4096)
def _parse(raw: str) -> phonenumbers.PhoneNumber | None:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not any(ch.isdigit() for ch in text):
        return None
    if text.startswith("00"):  # international prefix written as 00 (0086 …)
        text = "+" + text[2:]
    try:
        return phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        return None


def phone_key(raw: str | None) -> str:
    """The one comparable form of a phone number (see the module docstring)."""
    number = _parse(raw or "")
    if number is None:
        return "".join(ch for ch in unicodedata.normalize("NFKC", raw or "") if ch.isdigit())
    if number.country_code == 86:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return "".join(ch for ch in national if ch.isdigit())
    return f"{number.country_code}{number.national_number}"


def is_valid_phone(raw: str | None) -> bool:
    """A number someone can be reached on: a mainland mobile (11 digits) or a landline with its
    area code, or a valid number of another country written with its country code."""
    number = _parse(raw or "")
    return number is not None and phonenumbers.is_valid_number(number)


def mask_phone(raw: str | None) -> str:
    """``138****5678``; short numbers keep only their last two digits."""
    digits = phone_key(raw)
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(1, len(digits) - 2) + digits[-2:]


_LATIN = re.compile(r"[A-Za-z]")


def mask_phones_in(text: str | None) -> str:
    """``text`` with every valid phone number in it masked by :func:`mask_phone`, however it is
    written (``+86 138 0013 8000``, ``0086-138…``, full-width digits, a landline with its area
    code). A number glued to Latin letters (``vx13800138000``) is found too: libphonenumber's
    matcher skips those, so letters are read as spaces for the search."""
    text = text or ""
    if sum(ch.isdigit() for ch in text) < 7:
        return text
    spaced = _LATIN.sub(" ", text)  # same length: the matches' offsets are the text's
    out, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(spaced, _REGION):
        out.append(text[last : match.start])
        out.append(mask_phone(match.raw_string))
        last = match.end
    out.append(text[last:])
    return "".join(out)
