"""Judging the hosts of links in a text: look-alikes of payment and platform hosts, shorteners.

Offline: the registrable domain comes from the public-suffix list bundled in the
``publicsuffixlist`` package (its date is ``PSL_VERSION``); confusable characters from the Unicode
confusables data bundled in ``confusable-homoglyphs``; punycode (``xn--``) labels are decoded with
the standard library. Both data files are read on the first host that needs them.

A host is a **look-alike** when it is not under an official domain (``hosts.tsv``, kind
``official``) and

- it starts with an official domain followed by more labels
  (``payapp.weixin.qq.com.pay-verify.cn``),
- or one of its labels names a brand (``weixin-pay.com``, ``wx-pay-refund.top``; a two- or
  three-letter name such as ``wx`` only beside a lure word such as ``pay`` or ``refund``),
  also one letter off (``weixln-pay.com``), after decoding punycode and mapping confusable letters
  to Latin (``wеixin-pay.com`` with a Cyrillic е, ``xn--wixin-pay-g0h.com``),
- or a decoded label names the brand in Chinese (``xn--…`` = 微信支付.com).

A host under a known **shortener** (kind ``shortener``) is reported as such: its target is hidden.
Each verdict names the genuine host it imitates and says why, in Chinese.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from publicsuffixlist import PublicSuffixList

_ASCII_HOST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")

# Keys the scanner adds to its automaton so that every dotted host reaches ``judge``: a dot
# followed by a letter (the normalised text is lower-case). Only hosts cost any work.
URL_ANCHORS = tuple("." + c for c in "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class _Brand:
    key: str
    name: str  # Chinese name shown to the reviewer
    genuine: str  # the genuine host cited
    tokens: tuple[str, ...]  # Latin names of the brand inside a host label
    chinese: tuple[str, ...] = ()  # names inside a decoded (IDN) label


# The pay brand of WeChat first: a WeChat name next to a pay word imitates WeChat Pay.
_BRANDS = (
    _Brand(
        "wechatpay",
        "微信支付",
        "pay.weixin.qq.com",
        ("wxpay", "wechatpay", "weixinpay"),
        ("微信支付",),
    ),
    _Brand("wechat", "微信", "weixin.qq.com", ("weixin", "wechat", "wx"), ("微信",)),
    _Brand("alipay", "支付宝", "www.alipay.com", ("alipay", "zhifubao", "zfb"), ("支付宝",)),
    _Brand("tenpay", "财付通", "www.tenpay.com", ("tenpay",), ("财付通",)),
    _Brand("unionpay", "中国银联", "www.unionpay.com", ("unionpay", "yinlian"), ("银联",)),
    _Brand("qq", "腾讯 QQ", "qq.com", ("qq", "tencent"), ("腾讯",)),
    _Brand("taobao", "淘宝", "www.taobao.com", ("taobao",), ("淘宝",)),
    _Brand("tmall", "天猫", "www.tmall.com", ("tmall",), ("天猫",)),
    _Brand("jd", "京东", "www.jd.com", ("jd", "jingdong"), ("京东",)),
    _Brand(
        "pinduoduo",
        "拼多多",
        "mobile.yangkeduo.com",
        ("pinduoduo", "yangkeduo", "pdd"),
        ("拼多多",),
    ),
    _Brand("douyin", "抖音", "www.douyin.com", ("douyin",), ("抖音",)),
    _Brand("kuaishou", "快手", "www.kuaishou.com", ("kuaishou",), ("快手",)),
    _Brand("xiaohongshu", "小红书", "www.xiaohongshu.com", ("xiaohongshu", "xhs"), ("小红书",)),
)
_BY_KEY = {b.key: b for b in _BRANDS}
# Words that make a short brand name (wx, qq, jd) in a host a lure: wx-pay, jd-refund.
_LURES = frozenset(
    "pay zhifu fukuan refund tuikuan verify secure safe login account kefu service vip "
    "order bank wallet bill".split()
)
_PAY_WORDS = ("pay", "zhifu", "fukuan", "支付", "付款")
_SHORT = 4  # tokens shorter than this match only as a whole hyphen-separated component
_TYPO = 6  # tokens at least this long also match one edit away

# One edit leaves one half of a long token intact: a label without any half needs no typo check.
_HALVES_RE = re.compile(
    "|".join(
        sorted(
            {
                x
                for b in _BRANDS
                for tk in b.tokens
                if len(tk) >= _TYPO
                for x in (tk[: len(tk) // 2], tk[len(tk) // 2 :])
            },
            key=len,
            reverse=True,
        )
    )
)

_SCRIPTS = {"CYRILLIC": "西里尔字母", "GREEK": "希腊字母", "ARMENIAN": "亚美尼亚字母"}


@dataclass(frozen=True, slots=True)
class HostVerdict:
    """What is wrong with a host. ``kind``: ``lookalike`` or ``shortener``; ``token``: the brand
    name (or official domain) seen in it; ``imitates``: the genuine host; ``explanation``: for
    the reviewer, in Chinese."""

    kind: str
    host: str
    domain: str
    token: str
    imitates: str
    explanation: str


# -- host extraction ---------------------------------------------------------------------------


def _host_char(ch: str) -> bool:
    if ch in _ASCII_HOST:
        return True
    # Latin-1 to Cyrillic letters: look-alike letters in a host, never CJK or punctuation
    return "\u00c0" <= ch <= "\u052f" and ch.isalnum()


def extract_host(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """Widen [start, end) over host characters; return (start, end, host) if it looks like a
    host (a dot, an alphabetic last label of two or more letters)."""
    s, e = start, end
    while s > 0 and _host_char(text[s - 1]):
        s -= 1
    while e < len(text) and _host_char(text[e]):
        e += 1
    raw = text[s:e]
    host = raw.strip(".-")
    if "." not in host:
        return None
    s += raw.find(host)
    last = host.rsplit(".", 1)[1]
    if len(last) < 2 or not last.isalpha():
        return None
    return s, s + len(host), host.lower()


# -- the bundled data --------------------------------------------------------------------------

_lock = threading.Lock()
_psl = None
_skeleton: dict[str, str] | None = None


def _list():
    global _psl
    if _psl is None:
        with _lock:
            if _psl is None:
                _psl = PublicSuffixList()  # parses the list: 0.15 s, once per process
    return _psl


def _psl_version() -> str:
    path = Path(str(resources.files("publicsuffixlist").joinpath("public_suffix_list.dat")))
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("// VERSION:"):
                return line.split(":", 1)[1].strip()
            if not line.startswith("//") and line.strip():
                break
    return "unknown"


PSL_VERSION = _psl_version()


def registrable_domain(host: str) -> str:
    """The registrable domain ("eTLD+1") of ``host`` by the bundled public-suffix list, private
    suffixes included (``shop.example.github.io`` → ``example.github.io``); the host itself when
    it is a public suffix or its last label is no known suffix."""
    host = host.lower().strip(".")
    return _list().privatesuffix(host) or host


def public_suffix(host: str) -> str | None:
    """The public suffix of ``host``, or None if its last label is no known top-level domain."""
    return _list().publicsuffix(host.lower().strip("."), accept_unknown=False)


def _skeleton_map() -> dict[str, str]:
    """Non-ASCII letter → the ASCII letter or digit it looks like (Unicode confusables)."""
    global _skeleton
    if _skeleton is None:
        with _lock:
            if _skeleton is None:
                data = resources.files("confusable_homoglyphs").joinpath("confusables.json")
                table = json.loads(data.read_text(encoding="utf-8"))
                out: dict[str, str] = {}
                for ch, glyphs in table.items():
                    if len(ch) != 1 or ch.isascii():
                        continue
                    latin = [
                        g["c"].lower() for g in glyphs if len(g["c"]) == 1 and g["c"].isascii()
                    ]
                    latin = [c for c in latin if c.isalnum()]
                    if latin:
                        out[ch] = min(latin, key=lambda c: (c.isdigit(), c))
                _skeleton = out
    return _skeleton


def _decode_label(label: str) -> str:
    if label.startswith("xn--"):
        try:
            return label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            return label
    return label


def _to_ascii(label: str) -> str:
    if label.isascii():
        return label
    try:
        return "xn--" + label.encode("punycode").decode("ascii")
    except UnicodeError:
        return label


def host_is_official(host: str, official: frozenset[str]) -> bool:
    """True if host is an official domain or a subdomain of one."""
    host = host.lower().strip(".")
    return any(host == d or host.endswith("." + d) for d in official)


# -- judging -----------------------------------------------------------------------------------


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of a and b is exactly one."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _one_edit_in(part: str, tk: str) -> str | None:
    """A substring of ``part`` one edit away from ``tk``. One edit leaves one half of ``tk``
    intact, so only windows around an exact half are compared."""
    n = len(tk)
    h = n // 2
    for piece, off in ((tk[:h], 0), (tk[h:], h)):
        i = part.find(piece)
        while i != -1:
            for st in (i - off - 1, i - off, i - off + 1):
                for w in (n - 1, n, n + 1):
                    if st >= 0 and st + w <= len(part) and _one_edit(part[st : st + w], tk):
                        return part[st : st + w]
            i = part.find(piece, i + 1)
    return None


def _find_token(label: str) -> tuple[_Brand, str, str] | None:
    """(brand, token, what the label has instead) for a brand name in one label."""
    parts = label.split("-")
    for brand in _BRANDS:
        for tk in brand.tokens:
            if len(tk) < _SHORT:
                if tk in parts and (len(parts) == 1 or any(p in _LURES for p in parts)):
                    return brand, tk, tk
            elif tk in label:
                return brand, tk, tk
    typo_parts = [p for p in parts if _HALVES_RE.search(p)]
    if not typo_parts:
        return None
    for brand in _BRANDS:
        for tk in brand.tokens:
            if len(tk) >= _TYPO:
                for p in typo_parts:
                    seen = _one_edit_in(p, tk)
                    if seen is not None:
                        return brand, tk, seen
    return None


def _script_note(original: str) -> str:
    odd = [c for c in dict.fromkeys(original) if not c.isascii()]
    if not odd:
        return ""
    skel = _skeleton_map()
    notes = []
    for c in odd[:3]:
        script = unicodedata.name(c, "").split(" ")[0]
        kind = _SCRIPTS.get(script, "形近字符")
        looks = skel.get(c)
        notes.append(f"{kind} {c}（看似 {looks}）" if looks else f"{kind} {c}")
    return "，含" + "、".join(notes)


class HostJudge:
    """The host check of one lexicon: its official domains and shorteners (``hosts.tsv``)."""

    def __init__(self, hosts):
        self.official = frozenset(h.domain.lower() for h in hosts if h.kind == "official")
        self.shorteners = {h.domain.lower(): h.brand for h in hosts if h.kind == "shortener"}
        self.judge = lru_cache(maxsize=4096)(self._judge)

    def _judge(self, host: str, label: str = "") -> HostVerdict | None:
        """The verdict on ``host`` (lower-case, as written); ``label``: a brand label the
        lexicon's host rule found in it (flagged even if no brand above names it)."""
        if host_is_official(host, self.official) or public_suffix(host) is None:
            return None
        labels = host.split(".")
        decoded = [_decode_label(x) for x in labels]
        shown = ".".join(decoded)
        ascii_host = ".".join(_to_ascii(x) for x in labels)
        domain = registrable_domain(ascii_host)
        short = self.shorteners.get(domain) or self.shorteners.get(ascii_host)
        if short is not None:
            return HostVerdict(
                "shortener",
                host,
                domain,
                domain,
                "",
                f"短链接（{short}，{domain}）：真实目的地址被隐藏，无法判断是否为官方页面；"
                "请勿直接打开，需在隔离环境中展开后再判断。",
            )
        skel = _skeleton_map() if not shown.isascii() else None
        latin = (
            "".join(skel.get(c, c) for c in unicodedata.normalize("NFKC", shown).lower())
            if skel is not None
            else shown
        )
        xn = any(x.startswith("xn--") for x in labels)
        alias = shown if xn else (ascii_host if ascii_host != host else "")
        note = (f"，显示为 {alias}" if xn else f"，编码为 {alias}") if alias else ""
        note += _script_note(shown)
        dom_text = f"实际注册域名为 {domain}"
        # an official domain followed by more labels
        slabels = latin.split(".")
        for i in range(len(slabels) - 2, 0, -1):
            tail = ".".join(slabels[: i + 1])
            d = next((d for d in self.official if tail == d or tail.endswith("." + d)), None)
            if d is None:
                continue
            brand = _brand_of(tail, d)
            name = brand.name if brand is not None else "官方网站"
            return HostVerdict(
                "lookalike",
                host,
                domain,
                d,
                tail,
                f"仿冒{name}（正版域名 {tail}）：把正版域名放在网址开头冒充{note}，"
                f"{dom_text}，不属于{name}。",
            )
        suffix = public_suffix(latin) or ""
        own = latin[: -len(suffix) - 1] if suffix and latin.endswith("." + suffix) else latin
        for lab in own.split("."):
            found = _find_token(lab)
            if found is None:
                continue
            brand, tk, seen = found
            if brand.key == "wechat" and any(p in lab for p in _PAY_WORDS):
                brand = _BY_KEY["wechatpay"]
            what = f"中的“{seen}”与“{tk}”只差一个字母" if seen != tk else f"含“{tk}”字样"
            return HostVerdict(
                "lookalike",
                host,
                domain,
                tk,
                brand.genuine,
                f"仿冒{brand.name}（正版域名 {brand.genuine}）：{host} {what}{note}，"
                f"{dom_text}，不属于{brand.name}。",
            )
        for lab in decoded:
            for brand in _BRANDS:
                for name in brand.chinese:
                    if name in lab:
                        if brand.key == "wechat" and any(p in lab for p in _PAY_WORDS):
                            brand = _BY_KEY["wechatpay"]
                        return HostVerdict(
                            "lookalike",
                            host,
                            domain,
                            name,
                            brand.genuine,
                            f"仿冒{brand.name}（正版域名 {brand.genuine}）：中文域名 {shown} "
                            f"含“{name}”{note}，{dom_text}，不属于{brand.name}。",
                        )
        if label and label in latin:
            return HostVerdict(
                "lookalike",
                host,
                domain,
                label,
                "",
                f"网址 {host} 含支付品牌字样“{label}”{note}，{dom_text}，不是官方支付域名。",
            )
        return None


def _brand_of(tail: str, official: str) -> _Brand | None:
    """The brand an official host imitated at the start of a longer host belongs to: a brand
    named in its labels (payapp.weixin.qq.com → 微信支付), else the one whose genuine host is
    under that official domain (qq.com → 腾讯 QQ)."""
    for lab in tail.split("."):
        found = _find_token(lab)
        if found is not None and found[1] == found[2]:
            brand = found[0]
            if brand.key == "wechat" and "pay" in tail:
                return _BY_KEY["wechatpay"]
            return brand
    under = [b for b in _BRANDS if host_is_official(b.genuine, frozenset({official}))]
    return min(under, key=lambda b: len(b.genuine)) if under else None
