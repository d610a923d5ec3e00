"""Highlight findings in the original text, exactly at the engine's offsets."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlight(text: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """Wrap each ``(start, end, title)`` span of ``text`` in ``<mark>``; overlapping spans are
    merged; everything else is escaped.

    >>> str(highlight("高*仿<包>", [(0, 3, "counterfeit.replica")]))
    '<mark class="hit" title="counterfeit.replica">高*仿</mark>&lt;包&gt;'
    """
    merged: list[list] = []
    for start, end, title in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if title not in merged[-1][2]:
                merged[-1][2] += f", {title}"
        else:
            merged.append([start, end, title])
    out, pos = [], 0
    for start, end, title in merged:
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="hit" title="{escape(title)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
