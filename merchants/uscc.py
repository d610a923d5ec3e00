"""统一社会信用代码 (USCC, GB 32100-2015) validation.

>>> uscc_problem("91350100M000100Y43") is None
True
>>> uscc_problem("91350100M000100Y42")
'check character is 2, expected 3'
>>> uscc_problem("91350100M000100Y4Z")
'contains characters not allowed: Z'
>>> uscc_problem("91110000600037341L") is None
True
"""

from core.regions import is_region_code

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ENTITY_TYPES = {
    "1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129",
    "7": "129", "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}  # fmt: skip


def normalize_uscc(raw: str) -> str:
    return raw.strip().upper().replace(" ", "").replace("-", "")


def uscc_problem(raw: str) -> str | None:
    """None when valid, else a short English reason (the caller translates for display)."""
    code = normalize_uscc(raw)
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return f"contains characters not allowed: {''.join(bad)}"
    dept, kind = code[0], code[1]
    if dept not in ENTITY_TYPES:
        return f"unknown registering department {dept}"
    if kind not in ENTITY_TYPES[dept]:
        return f"entity type {kind} is not valid for department {dept}"
    if not is_region_code(code[2:8]):
        return f"{code[2:8]} is not a region code"
    total = sum(ALPHABET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    expected = ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"check character is {code[17]}, expected {expected}"
    return None


def uscc_region(code: str) -> str:
    return normalize_uscc(code)[2:8]
