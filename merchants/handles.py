"""Normalising the handles merchants sell under, as complaints and crawlers write them loosely.

>>> normalize_handle("wechat_id", " @ＡＢＣ_shop ")
'abc_shop'
>>> normalize_handle("phone", "+86 138-0013-8000")
'13800138000'
>>> normalize_handle("phone", "0086 138 0013 8000")
'13800138000'
"""

import re
import unicodedata

from wsmonitor.phones import phone_key

_SPACES = re.compile(r"\s+")


def normalize_handle(platform: str, handle: str) -> str:
    value = unicodedata.normalize("NFKC", handle or "").strip()
    value = _SPACES.sub("", value).casefold()
    value = value.lstrip("@")
    if platform == "phone":
        return phone_key(value)
    return value
