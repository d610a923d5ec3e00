"""Term changes between two observations of a 集赞换礼 campaign, and the deletion rule.

Under 《规范促销行为暂行规定》 a gift-for-likes promotion is 附赠式有奖销售: its announced terms
cannot be changed or have conditions added afterwards except in the consumer's favour. So each
difference between two consecutive :class:`~campaigns.terms.CampaignTerms` is classified:

=================  =====================================================  ==================
field              change                                                 direction
=================  =====================================================  ==================
likes              raised (38→88) / newly required                        against_consumer
likes              lowered (88→38)                                        in_favour
likes              no longer stated                                       neutral, review
gift               removed (no gift named any more)                       against_consumer
gift               replaced, both values stated, new value lower          against_consumer
gift               replaced, both values stated, new value higher         in_favour
gift               replaced, new wording marks a lesser reward            against_consumer
                   (试用装/小样/优惠券/抵用券/折 …, or the old gift's quantity
                   dropped, e.g. 植物油一桶 → 植物油)
gift               replaced, nothing shows which is worth more            neutral, review
gift               first named                                            neutral
gift_value         lowered (for the same gift)                            against_consumer
gift_value         raised                                                 in_favour
gift_value         stated for the first time / no longer stated           neutral, review
deadline           moved earlier / a deadline added where there was none  against_consumer
deadline           moved later                                            in_favour
deadline           removed, or the wording changed with no date to        neutral, review
                   compare
conditions         each condition added                                   against_consumer
                   (an added purchase — 需另购任意产品, 需消费满100元, 加购,
                   充值, 押金, 邮费 … — is named as such: getting the gift now
                   costs money)
conditions         each condition removed                                 in_favour
tiers              a higher tier's likes, gift or value changed           as for likes, gift
                   (tier 2…n; tier 1 is the lowest, reported as likes,    and gift_value
                   gift, gift_value)
tiers              a tier withdrawn (both observations tiered)            against_consumer
tiers              a tier added                                           in_favour
tiers              tiers no longer stated / first stated (one side has    neutral (review when
                   a single threshold: often the parser, or an old        no longer stated)
                   record stored before tiers existed)
quantity_limit     added or lowered                                       against_consumer
quantity_limit     raised or removed                                      in_favour
place              changed, added or removed                              neutral
=================  =====================================================  ==================

Tiers: a tiered notice's top-level ``likes``/``gift``/``gift_value`` are its lowest tier, so
tier 1 is compared exactly as a one-threshold notice is. Tiers 2…n are matched by gift first (the
same gift is the same tier, even when its threshold moves past another's), the rest in order;
each difference is a ``tiers`` change whose explanation names the tier
(``第2档（20赞，打蜡一次）…``).

"neutral, review" changes carry ``needs_review=True``: a regulator should look, but the change
alone is not evidence against the merchant (often the parser simply missed the field in one of
the two texts).

Text comparisons use :func:`campaigns.terms.core` (traditional/simplified, width, punctuation
and whitespace folded), so a repost in traditional characters is not a change.

Deletion rule — ``deletion_is_breach(deadline=..., observed_at=...)``: the post was first seen
gone at ``observed_at``. Deadlines are dates and run to the end of that day, China time (UTC+8);
a naive ``observed_at`` is taken as China time. Deleted on or before the deadline day → True
(participants could no longer show the post while the promotion was still running). First seen
gone after the deadline day → False: the deletion cannot be shown to precede the deadline. No
deadline → True: an announcement with no stated end is a standing offer, and withdrawing it
silently is the "cancel at will" that the rules forbid; the merchant may rebut (e.g. with a
published end notice), so callers should treat it as a finding for review, not a penalty.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from campaigns.terms import CampaignTerms, Tier, core

__all__ = [
    "AGAINST_CONSUMER",
    "CHINA_TZ",
    "DIRECTIONS",
    "FIELDS",
    "IN_FAVOUR",
    "NEUTRAL",
    "PURCHASE_RE",
    "TermChange",
    "compare_terms",
    "deletion_is_breach",
    "is_purchase_condition",
]

AGAINST_CONSUMER = "against_consumer"
IN_FAVOUR = "in_favour"
NEUTRAL = "neutral"
DIRECTIONS = (AGAINST_CONSUMER, IN_FAVOUR, NEUTRAL)
FIELDS = (
    "likes",
    "gift",
    "gift_value",
    "tiers",
    "deadline",
    "conditions",
    "quantity_limit",
    "place",
)
CHINA_TZ = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True)
class TermChange:
    field: str  # one of FIELDS
    before: str | None
    after: str | None
    direction: str  # one of DIRECTIONS
    explanation: str  # short Simplified Chinese sentence
    needs_review: bool = False  # neutral changes a regulator should still look at

    def to_dict(self) -> dict:
        return {
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "direction": self.direction,
            "explanation": self.explanation,
            "needs_review": self.needs_review,
        }


def _s(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def _money(v: Decimal) -> str:
    return f"{_s(v)}元"


# Words that mark a lesser reward when they appear in the new gift but not in the old one.
_LESSER_RE = re.compile(
    r"试用装?|体验装|小样|旅行装|迷你|小份|半份|半价|优惠券|抵用券|代金券|折扣|打折|\d+(?:\.\d+)?折|"
    r"兑换码|抽奖|积分|随机"
)
_QTY_RE = re.compile(r"[一二两三四五六七八九十\d]+\s*[个份张套件盒瓶桶只台本支罐袋箱床次斤]$")


def _gift_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    if core(b.gift) == core(a.gift):
        return []
    if a.gift is None:
        return [
            TermChange("gift", b.gift, None, AGAINST_CONSUMER, f"不再写明礼品（原为“{b.gift}”）")
        ]
    if b.gift is None:
        return [TermChange("gift", None, a.gift, NEUTRAL, f"新写明礼品“{a.gift}”")]
    if b.gift_value is not None and a.gift_value is not None and b.gift_value != a.gift_value:
        direction = AGAINST_CONSUMER if a.gift_value < b.gift_value else IN_FAVOUR
        verb = "降低" if direction == AGAINST_CONSUMER else "提高"
        return [
            TermChange(
                "gift",
                b.gift,
                a.gift,
                direction,
                f"礼品由“{b.gift}”（{_money(b.gift_value)}）换成“{a.gift}”"
                f"（{_money(a.gift_value)}），价值{verb}",
            )
        ]
    old, new = core(b.gift), core(a.gift)
    lesser = _LESSER_RE.search(new) and not _LESSER_RE.search(old)
    dropped_qty = bool(_QTY_RE.search(old)) and new and old.startswith(new) and new != old
    if lesser or dropped_qty:
        return [
            TermChange("gift", b.gift, a.gift, AGAINST_CONSUMER, f"礼品由“{b.gift}”降为“{a.gift}”")
        ]
    return [
        TermChange(
            "gift",
            b.gift,
            a.gift,
            NEUTRAL,
            f"礼品由“{b.gift}”换成“{a.gift}”，无法判断价值高低，需人工核实",
            needs_review=True,
        )
    ]


def _value_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    bv, av = b.gift_value, a.gift_value
    if bv == av:
        return []
    if bv is not None and av is not None:
        if av < bv:
            return [
                TermChange(
                    "gift_value",
                    _s(bv),
                    _s(av),
                    AGAINST_CONSUMER,
                    f"礼品标称价值由{_money(bv)}降低到{_money(av)}",
                )
            ]
        return [
            TermChange(
                "gift_value",
                _s(bv),
                _s(av),
                IN_FAVOUR,
                f"礼品标称价值由{_money(bv)}提高到{_money(av)}",
            )
        ]
    if bv is None:
        text = f"新写明礼品价值{_money(av)}"
    else:
        text = f"不再写明礼品价值（原为{_money(bv)}）"
    return [TermChange("gift_value", _s(bv), _s(av), NEUTRAL, text, needs_review=True)]


def _likes_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    bl, al = b.likes, a.likes
    if bl == al:
        return []
    if bl is not None and al is not None:
        if al > bl:
            return [
                TermChange("likes", _s(bl), _s(al), AGAINST_CONSUMER, f"所需点赞数由{bl}提高到{al}")
            ]
        return [TermChange("likes", _s(bl), _s(al), IN_FAVOUR, f"所需点赞数由{bl}降低到{al}")]
    if bl is None:
        return [TermChange("likes", None, _s(al), AGAINST_CONSUMER, f"新增点赞数要求：{al}个")]
    return [
        TermChange(
            "likes",
            _s(bl),
            None,
            NEUTRAL,
            f"不再写明所需点赞数（原为{bl}个），需人工核实",
            needs_review=True,
        )
    ]


def _deadline_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    bd, ad = b.deadline, a.deadline
    bt, at = b.deadline_text, a.deadline_text
    before = _s(bd) or bt
    after = _s(ad) or at
    if bd is not None and ad is not None:
        if ad < bd:
            return [
                TermChange("deadline", before, after, AGAINST_CONSUMER, f"截止日期由{bd}提前到{ad}")
            ]
        if ad > bd:
            return [TermChange("deadline", before, after, IN_FAVOUR, f"截止日期由{bd}延后到{ad}")]
        return []
    if core(bt) == core(at) and bd == ad:
        return []
    if bt is None and bd is None:
        return [TermChange("deadline", None, after, AGAINST_CONSUMER, f"新增截止时间：{after}")]
    if at is None and ad is None:
        return [
            TermChange(
                "deadline",
                before,
                None,
                NEUTRAL,
                f"不再写明截止时间（原为{before}），需人工核实",
                needs_review=True,
            )
        ]
    return [
        TermChange(
            "deadline",
            before,
            after,
            NEUTRAL,
            f"截止时间由“{before}”改为“{after}”，无法比较先后，需人工核实",
            needs_review=True,
        )
    ]


# A condition that makes the consumer pay: buy something else, spend a minimum, top up, deposit…
PURCHASE_RE = re.compile(
    r"另购|另外购买|加购|购买|购物|消费|充值|办卡|开卡|押金|邮费|运费|付费|付款|支付|"
    r"自费|自理|买一|满\s*\d+\s*元|\d+\s*元(?:起|以上)"
)


def is_purchase_condition(condition: str) -> bool:
    """Does this condition make getting the gift cost the consumer money?"""
    return bool(PURCHASE_RE.search(core(condition)))


def _tier_of(terms: CampaignTerms, condition: str) -> Tier | None:
    return next((t for t in terms.tiers if condition in t.conditions), None)


def _conditions_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    old = {core(c): c for c in b.conditions if core(c)}
    new = {core(c): c for c in a.conditions if core(c)}
    out: list[TermChange] = []
    for key, cond in new.items():
        if key not in old and not any(key in k or k in key for k in old):
            tier = _tier_of(a, cond)
            where = f"第{a.tiers.index(tier) + 1}档（{tier.likes}赞）" if tier else ""
            if is_purchase_condition(cond):
                text = f"{where}新增购买/消费条件：{cond}（领取礼品须另外花钱）"
            else:
                text = f"{where}新增条件：{cond}"
            out.append(TermChange("conditions", None, cond, AGAINST_CONSUMER, text))
    for key, cond in old.items():
        if key not in new and not any(key in k or k in key for k in new):
            out.append(TermChange("conditions", cond, None, IN_FAVOUR, f"取消条件：{cond}"))
    return out


def _quantity_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    bq, aq = b.quantity_limit, a.quantity_limit
    if bq == aq:
        return []
    if bq is None:
        return [
            TermChange("quantity_limit", None, _s(aq), AGAINST_CONSUMER, f"新增数量限制：{aq}份")
        ]
    if aq is None:
        return [
            TermChange("quantity_limit", _s(bq), None, IN_FAVOUR, f"取消数量限制（原为{bq}份）")
        ]
    if aq < bq:
        return [
            TermChange(
                "quantity_limit", _s(bq), _s(aq), AGAINST_CONSUMER, f"数量限制由{bq}份减少到{aq}份"
            )
        ]
    return [
        TermChange("quantity_limit", _s(bq), _s(aq), IN_FAVOUR, f"数量限制由{bq}份增加到{aq}份")
    ]


def _place_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    if core(b.place) == core(a.place):
        return []
    if b.place is None:
        text = f"新写明领取地点/方式：{a.place}"
    elif a.place is None:
        text = f"不再写明领取地点/方式（原为{b.place}）"
    else:
        text = f"领取地点/方式由“{b.place}”改为“{a.place}”"
    return [TermChange("place", b.place, a.place, NEUTRAL, text)]


def _tier_label(rank: int, tier: Tier) -> str:
    return f"第{rank}档（{tier.likes}赞" + (f"，{tier.gift}" if tier.gift else "") + "）"


def _tier_text(tier: Tier) -> str:
    return f"{tier.likes}赞" + (f"：{tier.gift}" if tier.gift else "")


def _tiers_change(b: CampaignTerms, a: CampaignTerms) -> list[TermChange]:
    """Tiers 2…n by rank (tier 1 is compared as likes/gift/gift_value)."""
    bt, at = b.tiers, a.tiers
    if not bt and not at:
        return []
    if not at:
        return [
            TermChange(
                "tiers",
                "；".join(_tier_text(t) for t in bt),
                None,
                NEUTRAL,
                f"不再写明分档奖励（原有{len(bt)}档），需人工核实",
                needs_review=True,
            )
        ]
    if not bt:
        return [
            TermChange(
                "tiers",
                None,
                "；".join(_tier_text(t) for t in at),
                NEUTRAL,
                f"新写明分档奖励（{len(at)}档）",
            )
        ]
    # tiers 2…n: the same gift is the same tier (its threshold may move past another's);
    # the rest pair up in order; what is left over was withdrawn or added
    old_rest = list(enumerate(bt[1:], start=2))
    new_rest = list(enumerate(at[1:], start=2))
    pairs: list[tuple[int, Tier, Tier]] = []
    for rank, old in list(old_rest):
        match = next(
            ((r, n) for r, n in new_rest if old.gift and core(n.gift) == core(old.gift)), None
        )
        if match:
            pairs.append((rank, old, match[1]))
            old_rest.remove((rank, old))
            new_rest.remove(match)
    while old_rest and new_rest:
        (rank, old), (_r, new) = old_rest.pop(0), new_rest.pop(0)
        pairs.append((rank, old, new))
    out: list[TermChange] = []
    for rank, old, new in sorted(pairs, key=lambda p: p[0]):
        as_b = CampaignTerms(likes=old.likes, gift=old.gift, gift_value=old.gift_value)
        as_a = CampaignTerms(likes=new.likes, gift=new.gift, gift_value=new.gift_value)
        found = _likes_change(as_b, as_a) + _gift_change(as_b, as_a)
        gift_same = core(old.gift) == core(new.gift)
        if gift_same or old.gift_value is None or new.gift_value is None:
            found += _value_change(as_b, as_a)
        for c in found:
            out.append(
                TermChange(
                    "tiers",
                    _tier_text(old),
                    _tier_text(new),
                    c.direction,
                    f"{_tier_label(rank, old)}{c.explanation}",
                    needs_review=c.needs_review,
                )
            )
    for rank, old in old_rest:
        out.append(
            TermChange(
                "tiers",
                _tier_text(old),
                None,
                AGAINST_CONSUMER,
                f"取消第{rank}档：{_tier_text(old)}",
            )
        )
    for rank, new in new_rest:
        out.append(
            TermChange(
                "tiers", None, _tier_text(new), IN_FAVOUR, f"新增第{rank}档：{_tier_text(new)}"
            )
        )
    return out


def compare_terms(before: CampaignTerms, after: CampaignTerms) -> list[TermChange]:
    """Changes from ``before`` to ``after``, in ``FIELDS`` order; empty when nothing changed.

    >>> from campaigns.terms import CampaignTerms
    >>> [c.explanation for c in compare_terms(CampaignTerms(likes=38), CampaignTerms(likes=88))]
    ['所需点赞数由38提高到88']
    """
    changes: list[TermChange] = []
    changes += _likes_change(before, after)
    changes += _gift_change(before, after)
    gift_same = core(before.gift) == core(after.gift)
    both_values = before.gift_value is not None and after.gift_value is not None
    if gift_same or not both_values:
        # a replaced gift with both values stated is already judged on value in "gift"
        changes += _value_change(before, after)
    changes += _tiers_change(before, after)
    changes += _deadline_change(before, after)
    changes += _conditions_change(before, after)
    changes += _quantity_change(before, after)
    changes += _place_change(before, after)
    return changes


def deletion_is_breach(*, deadline: datetime.date | None, observed_at: datetime.datetime) -> bool:
    """Was a campaign post that was first seen deleted at ``observed_at`` taken down too early?

    True when the deletion was observed on or before the deadline day (China time), or when the
    campaign stated no deadline; False when first observed after the deadline day.
    """
    if deadline is None:
        return True
    if observed_at.tzinfo is None:
        local = observed_at
    else:
        local = observed_at.astimezone(CHINA_TZ)
    return local.date() <= deadline
