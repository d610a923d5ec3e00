"""Masking personal data shown in lists and exports: the one ``mask_name`` (complaints' views,
the workspace exports' payee names); phone numbers are masked by ``core.phones``.

>>> mask_name("张三"), mask_name(" 欧阳娜娜 "), mask_name("John Smith"), mask_name("")
('张*', '欧***', 'J*********', '')
"""


def mask_name(name: str | None) -> str:
    """The first character, then one ``*`` per other character (at least one)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
