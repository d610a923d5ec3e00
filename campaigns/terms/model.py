"""The value objects: :class:`CampaignTerms` and its :class:`Tier` rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["CampaignTerms", "Tier"]


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Tier:
    """One threshold of a tiered notice: N likes → this gift (and conditions stated for it)."""

    likes: int
    gift: str | None = None
    gift_value: Decimal | None = None
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "likes": self.likes,
            "gift": self.gift,
            "gift_value": None if self.gift_value is None else str(self.gift_value),
            "conditions": list(self.conditions),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Tier:
        return cls(
            likes=int(d["likes"]),
            gift=d.get("gift"),
            gift_value=_dec(d.get("gift_value")),
            conditions=tuple(d.get("conditions") or ()),
        )


@dataclass(frozen=True)
class CampaignTerms:
    likes: int | None = None
    gift: str | None = None
    gift_value: Decimal | None = None
    deadline_text: str | None = None
    deadline: datetime.date | None = None
    place: str | None = None
    conditions: tuple[str, ...] = ()
    quantity_limit: int | None = None
    # Every threshold of a tiered notice, lowest first; empty when the notice states one
    # threshold (or none). ``likes``/``gift``/``gift_value`` are the lowest tier's.
    tiers: tuple[Tier, ...] = ()

    def to_dict(self) -> dict:
        """JSON-safe dict: Decimal → str, date → ISO string, tuples → lists.

        ``tiers`` is written only when there are tiers, so the terms of a one-threshold notice
        serialise exactly as they did before tiers existed.
        """
        d = {
            "likes": self.likes,
            "gift": self.gift,
            "gift_value": None if self.gift_value is None else str(self.gift_value),
            "deadline_text": self.deadline_text,
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "place": self.place,
            "conditions": list(self.conditions),
            "quantity_limit": self.quantity_limit,
        }
        if self.tiers:
            d["tiers"] = [t.to_dict() for t in self.tiers]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> CampaignTerms:
        """Inverse of :meth:`to_dict`; missing keys take their defaults (stored terms written
        before tiers existed have none)."""
        deadline = d.get("deadline")
        if isinstance(deadline, str):
            deadline = datetime.date.fromisoformat(deadline)
        likes = d.get("likes")
        limit = d.get("quantity_limit")
        return cls(
            likes=None if likes is None else int(likes),
            gift=d.get("gift"),
            gift_value=_dec(d.get("gift_value")),
            deadline_text=d.get("deadline_text"),
            deadline=deadline,
            place=d.get("place"),
            conditions=tuple(d.get("conditions") or ()),
            quantity_limit=None if limit is None else int(limit),
            tiers=tuple(Tier.from_dict(t) for t in d.get("tiers") or ()),
        )
