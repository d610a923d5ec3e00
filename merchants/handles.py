"""Normalising the handles merchants sell under, as complaints and crawlers write them loosely.

>>> normalize_handle("wechat_id", " @ＡＢＣ_shop ")
'abc_shop'
>>> normalize_handle("phone", "+86 138-0013-8000")
'13800138000'
>>> normalize_handle("phone", "0086 138 0013 8000")
'13800138000'
>>> "lv_haohuo888" in ocr_handle_variants("wechat_id", "Iv_haoHuo888")
True
"""

import re
import unicodedata

from core.phones import phone_key

_SPACES = re.compile(r"\s+")

# The stored normal form's length (``MerchantAccount.handle_normalized``). NFKC and case folding
# can lengthen a handle (ß → ss, ﬃ → ffi, ﷺ → 18 characters), so the limit is checked after.
MAX_HANDLE_CHARS = 200


def normalize_handle(platform: str, handle: str) -> str:
    value = unicodedata.normalize("NFKC", handle or "").strip()
    value = _SPACES.sub("", value).casefold()
    value = value.lstrip("@")
    if platform == "phone":
        return phone_key(value)
    return value


# Characters OCR confuses in handles (after case folding): I/l/1 and O/0.
_OCR_CONFUSABLE = {"i": "il1", "l": "il1", "1": "il1", "o": "o0", "0": "o0"}
MAX_OCR_VARIANTS = 256


def ocr_handle_variants(platform: str, handle: str) -> list[str]:
    """The normal forms ``handle`` may stand for when it was read by OCR: each I/l/1 and O/0
    swapped for the others (the normal form itself first), at most ``MAX_OCR_VARIANTS``."""
    variants = [""]
    for char in normalize_handle(platform, handle):
        options = _OCR_CONFUSABLE.get(char, char) if platform != "phone" else char
        if len(variants) * len(options) > MAX_OCR_VARIANTS:
            options = char  # enough ambiguity: the rest is taken as read
        variants = [v + o for v in variants for o in sorted(options, key=lambda o: o != char)]
    return variants


def handle_problem(platform: str, handle: str) -> str | None:
    """Why ``handle`` cannot be stored, in Chinese, or None: empty, or too long once normalised."""
    normalized = normalize_handle(platform, handle)
    if not normalized:
        return "账号为空"
    if len(normalized) > MAX_HANDLE_CHARS:
        return f"账号规范化后超过{MAX_HANDLE_CHARS}个字符"
    return None
