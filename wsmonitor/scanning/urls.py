"""A small host check for payment look-alike links (wxpay-secure.xyz, alipay.com.verify-pay.cn).

No network access and no public-suffix download: the registrable domain is the last two labels,
or three under the common Chinese second-level suffixes (com.cn, net.cn …).
"""

from __future__ import annotations

_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_CN_SECOND = frozenset({"com", "net", "org", "gov", "edu", "ac"})


def extract_host(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """Widen [start, end) over host characters; return (start, end, host) if it has a dot."""
    s, e = start, end
    while s > 0 and text[s - 1] in _HOST_CHARS:
        s -= 1
    while e < len(text) and text[e] in _HOST_CHARS:
        e += 1
    host = text[s:e].strip(".-").lower()
    if "." not in host:
        return None
    s = text.lower().find(host, s)
    labels = host.split(".")
    if len(labels[-1]) < 2 or not labels[-1].isalpha():
        return None
    return s, s + len(host), host


def registrable_domain(host: str) -> str:
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and labels[-1] in ("cn", "hk") and labels[-2] in _CN_SECOND:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def host_is_official(host: str, official: frozenset[str]) -> bool:
    """True if host is an official domain or a subdomain of one."""
    host = host.lower().strip(".")
    return any(host == d or host.endswith("." + d) for d in official)
