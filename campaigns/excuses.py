"""Excuses merchants give when refusing to redeem a 集赞换礼 gift.

``find_excuses(text)`` reads a redemption report (a consumer's account, a chat log, a merchant's
reply) and returns canonical excuse codes, in order of first appearance, without duplicates.
``EXCUSE_LABELS[code]`` is the Chinese label to show; ``find_excuse_spans(text)`` also gives the
matched span (offsets into the original text) for highlighting.

Pure Python, no Django. The text is normalised first (full-width, traditional → simplified,
pinyin glosses) with :func:`campaigns.terms.normalize`, so 牛奶已經送光 is recognised.

Campaign *terms* are not excuses: 送完为止 / 数量有限 / 活动结束后 / 名额有限 in a notice are
conditions, and a negated phrase (还没发完, 名额没满) is not a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from campaigns.terms import normalize_with_offsets

__all__ = ["EXCUSE_LABELS", "ExcuseMatch", "excuse_label", "find_excuse_spans", "find_excuses"]

EXCUSE_LABELS: dict[str, str] = {
    "out_of_stock": "礼品已发完/库存不足",
    "appointments_full": "预约已满",
    "quota_full": "名额已满",
    "campaign_ended": "活动已结束/已取消",
    "extra_purchase": "要求另行消费或购买",
    "extra_fee": "要求支付邮费、押金等费用",
    "come_back_later": "让消费者改天再来",
    "not_eligible": "称消费者不符合参与资格",
    "likes_not_counted": "称点赞或截图不算数",
    "terms_raised": "领取标准被提高",
    "other_branch": "让消费者去其他门店领取",
    "not_won": "称消费者未中奖",
    "unreachable": "商家不回复或联系不上",
}

_NEG = r"(?<![没未不别])(?<!还没)(?<!并未)(?<!尚未)"
_NOT_A_TERM = r"(?!为止|即止|就止|即可|后|之后|前|之前|时)"

_PATTERNS: dict[str, tuple[str, ...]] = {
    "out_of_stock": (
        rf"{_NEG}(?:被)?(?:发|送|领|抢|卖|兑|换|派)(?:完|光)(?:了|啦|毕)?{_NOT_A_TERM}",
        r"发放完毕|已发放完|派发完毕|兑换完毕",
        r"库存不足|库存不够|没(?:有)?库存|无库存|缺货|断货|售罄|告罄|没(?:有)?货了",
        r"(?:礼品|赠品|奖品|礼物)(?:已经?|都)?没(?:有)?了|没有(?:礼品|赠品|奖品|礼物)了",
    ),
    "appointments_full": (
        r"预约(?:已经?|都|早就?)?(?:满|约满|排满|订满)(?:了)?",
        r"约满了|预约不上|约不上|排不上",
    ),
    "quota_full": (
        r"名额(?:已经?|都|早就?)?(?:满|用完|没了|发完|领完|抢完|不够)",
        r"(?:每天|每日|今天|当天)(?:只有|仅有|就|只)\s*\d+\s*个?名额",
        r"(?:今天|当天|今日)(?:的)?名额(?:已经?)?(?:满|用完|没了)",
    ),
    "campaign_ended": (
        r"活动(?:已经?|早已?|早就|都已?|已然)(?:结束|截止|停止|终止|取消|过期|下线|作废)",
        r"活动(?:结束|截止|停止|终止|取消|过期|下线)(?:了|啦)",
        r"(?:终止|取消|停止|结束)了(?:这个|该|此)?活动",
        r"(?:已经?|早已?)(?:过期|截止)",
        r"活动作废|食言",
    ),
    "extra_purchase": (
        r"(?:需|须|需要|必须|得|要)(?:再|另外|额外|先|另|还)?(?:消费|购买|买|充值|办卡|开卡|办理|开通|下单)",
        r"消费满\s*\d+\s*(?:元|块)?\s*(?:才|方可|方能)",
        r"(?:购买|买|消费)[^,;。!?]{0,12}才(?:能|可以|给|送|能领|可领)",
        r"开(?:通|办)?借记卡|办(?:理)?(?:会员|储值)?卡才",
    ),
    "extra_fee": (
        r"(?:需|须|需要|要|先|得)(?:自付|支付|付|交|发|出)[^,;。!?]{0,8}(?:邮费|运费|押金|手续费|红包|保证金|快递费|定金|订金)",
        r"(?:邮费|运费|快递费|押金|手续费|保证金)(?:自付|自理|到付|需自己|要自己)",
    ),
    "come_back_later": (
        r"(?:下次|改天|明天|过几天|过两天|晚点|晚些|下周|以后|回头|改日|过段时间)再(?:来|过来|领|说)",
        r"等(?:几天|下次|通知)再(?:来|领)",
    ),
    "not_eligible": (
        r"(?:只|仅)(?:针对|限于?|面向|对)[^,;。!?]{1,12}(?:客人|客户|顾客|会员|用户|学员|业主)",
        r"不针对|不符合(?:活动)?(?:条件|要求|资格|规定)|没有资格|不在活动范围",
    ),
    "likes_not_counted": (
        r"(?:赞|点赞|截图|集赞)(?:数)?(?:不算|无效|不作数|不达标|作废|不符合?)",
        r"(?:前一天|昨天|之前|前天)(?:集|积)?的?赞(?:都)?不算|不算数",
    ),
    "terms_raised": (
        r"(?:标准|门槛|要求|条件)(?:已经?|都)?(?:提高|提升|上调|改了|变了|调整|涨了)",
        r"(?:改成|改为|提高到|涨到|上调到|提升到)\s*\d+\s*个?赞",
        r"要集(?:够|满|齐)\s*\d+\s*个赞才(?:行|可以|能)",
    ),
    "other_branch": (
        r"(?:去|到|找)(?:另一家|另外一家|另一个|其他|其它|别的|总)(?:店|门店|分店|网点|营业厅)",
    ),
    "not_won": (r"(?:没(?:有)?|未|不是)(?:中奖|抽中|获奖)",),
    "unreachable": (
        r"(?:不|没|没有)(?:回复|回消息|理我|理会|接电话|回应)|联系不上|打不通|没人接|"
        r"拉黑|删(?:除)?了?(?:我的)?好友|把我删了",
    ),
}
_COMPILED = {code: [re.compile(p) for p in pats] for code, pats in _PATTERNS.items()}


@dataclass(frozen=True)
class ExcuseMatch:
    code: str
    label: str
    start: int  # offsets into the original text
    end: int
    text: str


def find_excuse_spans(text: str) -> list[ExcuseMatch]:
    """Every excuse occurrence, ordered by position (several per code are possible)."""
    if not text:
        return []
    norm, index = normalize_with_offsets(text)
    found: list[ExcuseMatch] = []
    for code, patterns in _COMPILED.items():
        for rx in patterns:
            for m in rx.finditer(norm):
                if m.end() <= m.start():
                    continue
                s, e = index[m.start()], index[m.end() - 1] + 1
                found.append(ExcuseMatch(code, EXCUSE_LABELS[code], s, e, text[s:e]))
    found.sort(key=lambda x: (x.start, -x.end))
    return found


def find_excuses(text: str) -> list[str]:
    """Canonical excuse codes found in ``text``, in order of first appearance.

    >>> find_excuses("数量有限，已领完了，你改天再来吧")
    ['out_of_stock', 'come_back_later']
    """
    codes: list[str] = []
    for m in find_excuse_spans(text):
        if m.code not in codes:
            codes.append(m.code)
    return codes


def excuse_label(code: str) -> str:
    """Chinese label for an excuse code (KeyError for an unknown code)."""
    return EXCUSE_LABELS[code]
