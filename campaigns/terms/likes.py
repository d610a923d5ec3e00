"""Likes thresholds: ``N个赞``, ``集赞满N``, ``集满N个`` in a sentence about 赞, slash lists.

Readers run on the normalised text of :mod:`.text` and return offsets into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from campaigns.terms.text import NUM as _NUM
from campaigns.terms.text import cn_int
from campaigns.terms.text import sentence_end as _sentence_end

_Q = r"[“”\"'‘’「」『』【】\[\]]"
_LIKE_AFTER_NUM = re.compile(
    rf"(?<![第\d.])(?P<n>{_NUM})\s*\+?\s*(?:个|位)?\s*(?:及以上|或以上|以上)?\s*"
    r"(?:微信|朋友圈)?\s*(?:好友|朋友|人)?"
    rf"(?:评论或者?|评论或是|评论和|评论或)?{_Q}?\s*"
    # 集齐50个Like即送… (Hong Kong and Taiwan posts count likes in English)
    r"(?:点?赞(?![助同美扬赏])|likes?(?![a-z]))"
)
_LIKE_BEFORE_NUM = re.compile(
    rf"(?:(?:[集积攒凑点获]|集合){_Q}?[赞攒]{_Q}?(?:数|个数)?"
    # 赞数满30的用户 (the count named without 集/点)
    rf"|(?<![集积攒凑点获\w])赞(?:数|个数)(?=\s*(?:满|达到|达)))"
    rf"{_Q}?[,\s]*(?:满|达到|达|到|够|至|超过)?\s*(?P<n>{_NUM})(?![\d年月日号元块点时:.%天周岁度小分])"
    rf"\s*(?:个|位)?(?:{_Q}?点?赞)?"
)

# 集满赞30个 (the number counted with 个: 集满赞，10名顾客… is not a threshold)
_LIKE_FULL_BEFORE_NUM = re.compile(
    rf"(?:集|积|攒|凑)(?:满|够|齐){_Q}?赞{_Q}?\s*(?P<n>{_NUM})\s*个(?:{_Q}?点?赞)?"
)
# 集赞目标：30个, 需要集赞数：50 (a labelled field)
_LIKE_LABELLED = re.compile(
    rf"(?:集|积|攒)赞(?:目标|数量|数|个数|要求)\s*:\s*(?P<n>{_NUM})(?![\d年月日号元块点时:.%天周])"
    r"\s*(?:个|位)?(?:点?赞)?"
)
# 还差3个赞就可以领取: the likes still missing, not the threshold
_STILL_MISSING_RE = re.compile(r"(?:还差|只差|仅差|再差|还需|还要|还需要|再集|再获得)\s*$")

# 集满28个就能免费获得港澳游 (the 赞 is in the sentence, not after the number)
_LIKE_COUNT_ONLY = re.compile(
    # …满28个送啤酒: a further threshold of a list that began with 赞 (满 opens the clause)
    rf"(?:集满|集齐|集够|积满|攒满|凑满|凑齐|累积获得|累计获得|(?:(?<=[,;、\s])|^)满)"
    rf"\s*(?P<n>{_NUM})\s*个"
    r"(?![赞人位元块次天张份件名条月年号日小分%])"
)
# 点赞满20可领取5元券；满50可领10元券: a further threshold written without 个, right before its
# reward verb (满100减20 and 满50元送 are prices, not thresholds)
_LIKE_CONT_BARE = re.compile(
    rf"(?:(?<=[,;、\s])|^)满\s*(?P<n>{_NUM})"
    r"(?=\s*(?:即可|就可以|就可|便可|可以|可|即|就|便)?\s*(?:送|领|获|得|换|兑|赠|奖))"
)
_MONEY_OFF_RE = re.compile(r"\s*(?:送|减|返)\s*\d+(?:\.\d+)?\s*元?(?=[,;。!?\s]|$)")
# 集满 30/60/100 及以上赞 (tiers written with slashes)
_LIKE_SLASH = re.compile(
    r"(?P<ns>\d{1,5}(?:\s*/\s*\d{1,5})+)\s*(?:个)?\s*(?:及以上|以上)?\s*(?:个)?\s*点?赞"
)
_CN_LIKES_CONTEXT = re.compile(r"(?:集|积|满|够|齐|足|达到|获得|获|得到|凑|攒|需要|要|需|了)\s*$")
# a per-like reward: 点一个赞送1现金券, 每一个赞奖励1元 (a numeral after 每/点, a reward after 赞)
_PER_LIKE_BEFORE = re.compile(r"(?:每|点)\s*(?:获得|收到|得到|集)?\s*$")
_PER_LIKE_AFTER = re.compile(r"\s*(?:就|即|可|便)?\s*(?:送|奖励|奖|返|赠|得|换|兑)")


# 帖子已有2000多个赞, 收获了88个赞: a count already held is not a threshold unless a reward follows
# (只要有30个赞就送)
_HELD_COUNT_RE = re.compile(
    r"(?:已有|已经有|有|收获了|收到了|获得了|得到了|拿到了|集了|集到了|集得)\s*$"
)
_REWARD_AFTER_RE = re.compile(r"[^,;!?。\n]{0,8}?(?:就|即|便|可|送|领|换|赠|享|抽|免费|奖励)")


@dataclass(frozen=True)
class _LikeHit:
    value: int
    start: int
    end: int


def _like_hits(t: str) -> list[_LikeHit]:
    hits: list[_LikeHit] = []
    for rx in (_LIKE_AFTER_NUM, _LIKE_BEFORE_NUM, _LIKE_FULL_BEFORE_NUM, _LIKE_LABELLED):
        for m in rx.finditer(t):
            if _STILL_MISSING_RE.search(t, max(0, m.start() - 4), m.start()):
                continue
            raw = m.group("n")
            n = cn_int(raw)
            if n is None or n <= 0 or n > 100000:
                continue
            per_like = _PER_LIKE_BEFORE.search(t, 0, m.start("n")) and _PER_LIKE_AFTER.match(
                t, m.end()
            )
            # 集赞二十个: after 集赞 a numeral with its counter is a threshold (not 点赞一下)
            counted = rx is _LIKE_BEFORE_NUM and m.end() > m.end("n") and t[m.start()] in "集积攒凑"
            if (
                not raw.isdigit()
                and not _CN_LIKES_CONTEXT.search(t, 0, m.start("n"))
                and not per_like
                and not counted
            ):
                continue  # 一个点赞送美瞳的活动: a classifier, not a threshold
            if rx is _LIKE_AFTER_NUM and _HELD_COUNT_RE.search(t, max(0, m.start() - 4), m.start()):
                rest = t[m.end() : _sentence_end(t, m.end())]
                if not _REWARD_AFTER_RE.match(rest):
                    continue  # 她朋友圈有88个赞: a count already held, not a threshold
            hits.append(_LikeHit(n, m.start(), m.end()))
    for m in (*_LIKE_COUNT_ONLY.finditer(t), *_LIKE_CONT_BARE.finditer(t)):
        s0 = max(t.rfind(c, 0, m.start()) for c in "。!?\n")
        e0 = _sentence_end(t, m.end())
        if m.re is _LIKE_CONT_BARE and (
            not re.search(r"[赞攒]", t[s0 + 1 : m.start()]) or _MONEY_OFF_RE.match(t, m.end())
        ):
            continue  # only a list begun with 赞 continues; 满200送100 is money off
        if "赞" in t[s0 + 1 : e0] or "攒" in t[s0 + 1 : e0]:
            n = cn_int(m.group("n"))
            if n and 0 < n <= 100000:
                hits.append(_LikeHit(n, m.start(), m.end()))
    for m in _LIKE_SLASH.finditer(t):
        for raw in re.split(r"\s*/\s*", m.group("ns")):
            hits.append(_LikeHit(int(raw), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -h.end))
    # drop hits contained in an earlier, longer one
    out: list[_LikeHit] = []
    for h in hits:
        if out and h.start == out[-1].start and h.end == out[-1].end and h.value != out[-1].value:
            out.append(h)  # one slash list, several thresholds
            continue
        if out and h.start < out[-1].end:
            if h.end > out[-1].end:
                out[-1] = _LikeHit(out[-1].value, out[-1].start, h.end)
            continue
        out.append(h)
    return out
