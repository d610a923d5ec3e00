"""What a decoded QR payload or a line of OCR text says about the seller. Pure functions.

* ``wxp://…`` is a WeChat Pay collection code (收款码): the raw payload is a stable identity of
  the payee, so it is recorded as a merchant account; a payee page under WeChat Pay's own hosts
  is treated the same. ``weixin://…bizpayurl…`` is one order's Native-pay code (valid about two
  hours): recorded, never an account.
* ``u.wechat.com`` / ``weixin.qq.com/r|g/…`` are contact and group cards.
* Anything else over http(s) is a link, judged by the scanner like a link in a post.
* 微信号 written in the text (加微信 xxx, VX：xxx) are read with the OCR confusions l/I/1 and
  O/0 in mind when they are matched against merchants (``merchants.handles``).
"""

import re
from urllib.parse import urlsplit

PAY_CODE = "pay_code"
PAY_ORDER = "pay_order"
CONTACT = "contact"
URL = "url"
OTHER = "other"

# Hosts whose pages show a payee (收款方) and are WeChat Pay's own.
_PAYEE_HOSTS = ("payapp.weixin.qq.com", "wx.tenpay.com", "pay.weixin.qq.com")
_CONTACT = re.compile(r"^https?://(u\.wechat\.com/|weixin\.qq\.com/[rg]/)", re.IGNORECASE)


def classify_payload(payload: str) -> str:
    """The kind of a decoded QR payload (one of the constants above)."""
    value = payload.strip()
    lower = value.lower()
    if lower.startswith("wxp://"):
        return PAY_CODE
    if lower.startswith("weixin://") and "bizpayurl" in lower:
        return PAY_ORDER
    if _CONTACT.match(value):
        return CONTACT
    if lower.startswith(("http://", "https://")):
        host = (urlsplit(value).hostname or "").lower()
        if host in _PAYEE_HOSTS and "bizpayurl" not in lower:
            return PAY_CODE
        return URL
    return OTHER


# A 微信号: 6–20 letters, digits, _ or -, starting with a letter, after the words sellers use.
_WECHAT_ID = re.compile(
    r"(?:微信号?|威信|薇信|VX|vx|Vx|V信|v信|wx|WX|加V|加v|卫星)\s*[:：]?\s*"
    r"([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
)


def wechat_ids_in(text: str) -> list[str]:
    """The 微信号 a text names, in order, each once."""
    seen: dict[str, None] = {}
    for m in _WECHAT_ID.finditer(text or ""):
        seen.setdefault(m.group(1), None)
    return list(seen)
