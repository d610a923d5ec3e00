"""``parse_terms``: structure first (lines, sections, list items, table rows), then phrases."""

from __future__ import annotations

import datetime

from campaigns.terms import phrases as P
from campaigns.terms.model import CampaignTerms
from campaigns.terms.text import Norm

__all__ = ["parse_terms"]


def parse_terms(text: str, *, reference_date: datetime.date | None = None) -> CampaignTerms:
    """Extract structured campaign terms from a notice's raw text.

    ``reference_date`` (usually the day the notice was captured or published) lets year-less
    and relative deadlines be dated; without it only dates with a written year get ``deadline``.

    >>> t = parse_terms("转发集满38个赞，即可到店领取价值58元的保温杯一个，截止2024年5月1日")
    >>> t.likes, t.gift, str(t.gift_value), t.deadline.isoformat(), t.place
    (38, '保温杯一个', '58', '2024-05-01', '到店')
    """
    if not text or not text.strip():
        return CampaignTerms()
    norm = Norm(text)
    t = norm.text
    hits = P._like_hits(t)
    likes = min((h.value for h in hits), default=None)

    gift = gift_value = None
    spans: list[tuple[int, int]] = []
    found = P._find_gift(t, hits)
    if found:
        s, e, gift_value = found
        gift = norm.span(s, e) or None
        spans.append((s, e))
        if gift_value is None:
            gift_value = P._find_value(t, s, e)

    deadline_text = deadline = None
    dl = P._find_deadline(t, reference_date)
    if dl:
        deadline_text = norm.span(dl.start, dl.end) or None
        deadline = dl.date
        spans.append((dl.start, dl.end))

    place = None
    p = P._find_place(t)
    if p:
        place = norm.span(*p) or None

    return CampaignTerms(
        likes=likes,
        gift=gift,
        gift_value=gift_value,
        deadline_text=deadline_text,
        deadline=deadline,
        place=place,
        conditions=P._find_conditions(norm, spans),
        quantity_limit=P._find_quantity(t),
    )
