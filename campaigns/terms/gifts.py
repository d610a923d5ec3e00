"""The gift and its stated value (see the package docstring for the rules).

Readers run on the normalised text of :mod:`.text` and return offsets into it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from campaigns.terms.likes import _LikeHit
from campaigns.terms.text import cn_int
from campaigns.terms.text import is_cjk as _is_cjk
from campaigns.terms.text import sentence_end as _sentence_end

_VERB = (
    r"免费(?:领取|获得|获取|赠送|兑换|开通|解锁|享受|参加|参与|拿到|领到|得到|领|送|得|换|享|拿|体验)"
    r"|获赠|赠送|领取|获取|获得|换取|兑换|赢取|赢得|送出|开通|解锁|享受|提供"
    r"|(?<![发传运护输递转接欢])送(?![达货到给去完光])"
    r"|赠(?![品])|(?<![限])领(?![导先奖域完光到])|赢(?![家到])|获(?![赞奖得取顶悉知赠])"
    r"|(?<![更交转替切])换(?![成个位到])"
    r"|(?<![获赢取觉记使值懂难免懒])得(?![到出知以了])"
    r"|(?<!分)享(?![有])"
    r"|奖励?(?=\s*[\d一二两三四五六七八九十半])|奖励(?![金机规说方办])(?=[^\d\s,;:。!?]{2})"
    # a discount as the reward: 立减10元; the right to buy cheaply, labelled as written
    r"|立减|立省|领到|拿到|换到|抢到|赢到"
    # money off or back as the reward: 抵扣房款1万元, 返现50元
    r"|抵扣|减免|返现|(?<![往回])返(?=\s*[\d一二两三四五六七八九十])"
    r"|(?=(?:半价|优惠价格?|特价|低价|[\d.]+折|[\d.]+元)(?:购买|抢购|换购|秒杀))"
    # a prize drawn by lot: 有可能抽到iPhone5s, 总计抽3名现金奖励
    r"|抽(?:到|中|得)|抽(?:出|取)?\s*\d{1,4}\s*(?:名|位|个)(?:幸运儿|幸运用户|用户|粉丝)?(?:送出|送|各得|获得)?"
    # 拿出100多个“沙扒湾两日游”的名额
    r"|拿出(?=\s*\d{1,5}\s*多?\s*[个份张]\s*[“\"'‘「])"
    # right after 赞: 集赞抽iPhone, 集赞拿大奖, 集赞兑好礼
    r"|(?<=[赞攒])(?:抽(?![奖取签])|拿|兑)"
    # 集赞免费吃大餐: the free experience is the gift, labelled as written; 即可免单一次
    r"|(?=免费[吃喝玩住拍看].)|(?=免单)"
)
_VERB_RE = re.compile(_VERB)
_STRONG_VERB_RE = re.compile(
    # 揪5位朋友送…, 随机抽选1位大人送上…, 抽20位管理员喝…: a counted draw of winners (named by
    # any short noun), then the giving verb or the treat
    r"(?:随机)?(?:抽|揪)(?:出|取|选)?\s*[\d一二两三四五六七八九十]{1,4}\s*(?:名|位|个|人)"
    # (抽出2位幸运儿，送上精美台历一本: the giving may open the next clause)
    r"[^\s\d,;!?。、:@]{0,6}?\s*,?\s*(?:每人|每位|各)?(?:送出|送上|送给|送|各得|获得|赢得|喝|吃)"
    r"|免费(?:领取|获得|获取|赠送|领|送)|获赠|赠送|领取|获取|获得|赢取|赢得|送出"
    r"|抽(?:到|中|得)(?!(?:[^,;!?。\s]{0,6}?的)?人)"
    # 转发抽一人送100元礼物: the winners counted in Chinese numerals or as 人, then the gift
    r"|抽(?:出|取)?\s*[\d一二两三四五六七八九十]{1,4}\s*(?:名|位|个|人)"
    r"(?:幸运儿|幸运用户|用户|粉丝)?(?:送出|送|各得|获得)?"
    r"|拿出(?=\s*\d{1,5}\s*多?\s*[个份张]\s*[“\"'‘「])"
    # 就有机会得360特供机大V: 得 after 机会; 我们愿意出4份双11大礼包: an offer of counted gifts
    r"|(?<=机会)得(?![到出知以了])|(?<=愿意)出(?=\s*[\d一二两三四五六七八九十]{1,4}\s*[份个张台部套])"
    # 奉上价值999元的大红包 (not a tribute: 献上一束鲜花, 奉上我们的礼品表达歉意)
    r"|奉上(?=\s*(?:价值|\d{1,4}\s*[份个张台部套]))"
    # 我请客吃墨绿色的糖, 请大家喝奶茶: a treat names its food or drink
    r"|请(?:你们|你|您|大家)?客?(?:吃|喝)(?=[^,;!?。\s]{2})"
)
_CONNECTOR_RE = re.compile(
    r"^(?:即可|就可以|就可|就能|便可|则可|均可|都可以|可以|您将|你将|将|即|就|便|可|则|能|均|都|还|再"
    r"|免费)+"
)
# 价值168元的自助餐券就能免费领, 奶茶一杯免费喝, 一份小礼品等你拿: the gift before its verb
_TOPICAL_GIFT_RE = re.compile(
    # (not an errand: 集满了50个赞后到店领取)
    r"^(?!(?:后|然后|之后|再|并|到|去|来|前往|凭|在|需|请))(?P<g>[^,;!?。\n]{2,24}?)(?:就能|就可以|就可|即可|都能|也能|可以|能|可|就|都)?"
    r"(?:免费|直接|马上|立即)?(?:等你来?(?:拿|领)|相送|带回家|抱回家|领走|拿走|带走|领|送|拿|喝|吃|发|享)"
    r"(?:取)?\s*(?:啦|了|哦|呢|吧|!)*$"
)
# iPhone15等你拿, 精美台历免费领: a title naming the gift before a strong verb
_TITLE_TOPICAL_RE = re.compile(
    # (a space inside a Latin name does not part it: 10台iPad min大放送)
    r"^\s*[【\[]?(?P<g>(?:[^\s,;!?。:【】\[\]]|(?<=[A-Za-z\d]) (?=[A-Za-z\d])){2,16}?)"
    r"(?:等你来?(?:拿|领|抢)|免费(?:领取?|送|拿)|大放送|免费相送)\s*[!】\]]*\s*$"
)
# (an option letter's dot does not end the clause: 送：A. 雨伞一把 B. 水杯一个)
_CLAUSE_END_RE = re.compile(
    r"[,;!?。、\n\r\t()\[\]]|(?<![:\s][A-Da-d])\.(?!\d)"
    r"|(?<![:\s][A-Da-d]\.) (?![\dA-Za-z])| (?=[A-Da-d]\.)"
)
_VALUE_KW = r"(?:市场价值|市场价|总价值|价值约|价值|面值|原价|市价)"
# an amount in Arabic or Chinese numerals, with 千/万: 价值1.5万元, 价值三千元人民币左右
_AMOUNT = (
    r"(?:\d+(?:\.\d+)?\s*[千万]?|[一二两三四五六七八九十][零一二两三四五六七八九十百千万]{0,5})"
)
_VALUE_RE = re.compile(
    rf"{_VALUE_KW}\s*约?\s*(?P<v>{_AMOUNT})\s*(?:元(?:人民币)?|块|rmb|RMB|人民币)"
)
_LEAD_VALUE_RE = re.compile(
    # 价值100元、50元、30元的购物卡: the values of the ranks, one gift (the first value is kept)
    rf"^.{{0,6}}?{_VALUE_KW}\s*约?\s*(?P<v>{_AMOUNT})\s*(?:元|块|人民币)(?:钱|人民币)?(?:左右|以上)?"
    r"(?:\s*[、/和及]\s*\d+(?:\.\d+)?\s*(?:元|块))*(?:的)?"
    r"|^(?P<v2>\d+(?:\.\d+)?)\s*元的"
)
_FACE_VALUE_RE = re.compile(
    r"^(?:[^\d\s]{1,6}?)?(?P<v>\d+(?:\.\d+)?)\s*元"
    r"(?=[^\d]{0,10}?(?:卡|券|红包|现金|话费|代金|抵用|优惠券|购物金|礼物|礼品|礼包))"
)
_GIFT_CUT_RE = re.compile(
    r"或者|或是|或|还享|还有|还可|并且|并|且|等你来拿|等你拿|,|(?<=\S)@"
    # 集赞送礼活动开始啦: the activity, not the gift
    r"|(?:的)?活动(?=开始|进行|火热|来了|来啦|期间|时间|规则|结束|中|正在)"
    # 集赞换电影票的消息: the post that announced it, not the gift
    r"|的(?:消息|信息|帖子|广告|推文|海报|宣传|活动)(?=\s*$)"
)
# the second alternative and the count both share: …或中华料理课程券一张
_SHARED_COUNT_RE = re.compile(
    r"[^\d\s,;!?。或@]{2,16}?[一二两三四五六七八九十\d]{1,3}\s*"
    r"[个份张套件盒瓶只台支罐袋箱斤把副本杯束桶包块条双听](?:哦|啦|呢|!|~)*\s*"
)
# 8.8元抢购价值68元的蛋糕: the right to buy cheaply, labelled as written
_PRICE_OFFER_RE = re.compile(
    r"(?:半价|优惠价格?|特价|低价|[\d.]+折|[\d.]+元)(?:购买|抢购|换购|秒杀)"
)
_GIFT_TRAIL_RE = re.compile(r"(?:的活动|活动|哦|啦|呢|吧|哟|噢|呀|喔|嗷|咯|~|!|\s)+$")
_GIFT_LEAD_RE = re.compile(
    r"^(?:价值|市场价)(?:不菲|上千元|上百元|上万元|数百元|数千元|几百元|几千元|近千元|千元|百元|万元)的"
    r"|^\s*:\s*(?=..)"
    # 领取奖品：精美台历一本 — the label after the verb is not part of the gift
    r"|^(?:奖品|礼品|奖励|礼物|赠品)\s*:\s*(?=..)"
    # 送：A. 雨伞一把 B. …: an option letter in front is not part of the gift
    r"|^\s*:?\s*[A-Da-d]\s*[.、)]\s*(?=..)"
    r"|^的(?=..)"  # 提供的精美礼品: a gift never starts with 的
    # 奖品为@KitchenM 基础蛋糕课程券一张: the sponsor's @mention before the gift
    r"|^@[^\s@,;!?。]{1,20}\s+(?=..)"
    r"|^(?:了|您|你|大家|价值\s*(?=[^\d]))+|^[一1](?:个(?!月|星期|小时)|份)(?=..)|^(?:前往|去往|飞往).{1,14}的"
)
_GIFT_GIVER_RE = re.compile(
    # 我们精心准备的新年礼物; 由某某银行与某某公司联合提供的…: a giver named after 由 may be long;
    # 由本店特别定制的周年纪念杯
    r"^(?:由[^,;!?。\n]{1,30}?|.{1,14}?)"
    r"(?:赠送|提供|发放|送出|赞助|准备|带来|送|定制|特制|打造"
    # 店铺中出售的任意一幅MH套包: where the gift is sold names no gift
    r"|出售|售卖|在售|销售)的(?=..)"
)
# 她心仪已久的“柠檬水杯”: a quoted name after a modifier is the gift
_QUOTED_NAME_RE = re.compile(r"^.{0,14}?的\s*[“\"'‘](?P<q>[^”\"'’]{1,20})[”\"'’]?$")
_BOOK_TITLE_RE = re.compile(r"《[^《》]{1,40}》")
# 《小王子》精装版一本, 《活着》签名版一本, 《三体》全集一套: an edition belongs to the title, and
# so does the count after it (a bare count after the title does not: 送《小王子》一本 → 《小王子》)
_TITLE_SUFFIX_RE = re.compile(
    r"\s*(?:(?:精装|平装|签名|珍藏|典藏|纪念|限量|亲签|作者签名|套装|全新)版?|[上下全]册|全集|套装|系列)+"
    r"\s*(?:[\d一二两三四五六七八九十]{1,3}\s*[本套册份])?"
)
_BARE_QUANTITY_RE = re.compile(
    r"^[一二两三四五六七八九十半\d]{1,3}\s*(?:[本份个张套件盒瓶只台支罐袋箱斤]|个月|天|周|年)$"
)
# 送出3本“极客周历”给…, 100多个“沙扒湾两日游”的名额: a counted, quoted name is the gift
_COUNTED_QUOTE_RE = re.compile(
    r"^[\d一二两三四五六七八九十]{1,5}\s*多?\s*[本份个张套件盒瓶只台支罐袋箱名]\s*"
    r"(?P<q>[“\"'‘「『][^”\"'’」』]{1,20}[”\"'’」』])"
)
# 含床上四件套、玻尿酸、三重氧能套的礼品包: the contents are a modifier of the gift
_CONTENTS_LEAD_RE = re.compile(r"^(?:含有?|包含|包括|内含).{1,40}?的(?=[^的]{1,8}$)")
# 电饭锅、钥匙扣等礼品: a list of gifts closed by 等… is one gift
_LIST_TAIL_RE = re.compile(r"(?:、[^,;!?。\n、]{1,12}){1,6}")
_LIST_CLOSE_RE = re.compile(r"等(?:礼品|奖品|好礼|礼物|赠品|小礼品|精美礼品)?$|的[^的]{1,8}$")
_NOT_A_GIFT_RE = re.compile(
    # (a ticket for the draw is a gift: 抽奖券1张)
    r"后就|就可以|可以|需要|(?<![仅只])需|请|截图|确认|抽奖(?![券卡码])|参与|参加|上限|时间|名额|朋友圈|"
    r"点赞|集赞|转发|分享|关注|截止|活动规则|"
    # another reward verb inside: 抽取1位幸运的小伙伴获取… names the winner, not the gift
    r"获取|获得|领取|赠送|送出|赢得"
)
_UNNAMED_GIFTS = {"奖励", "福利", "资格", "奖", "东西", "好处", "送", "领", "得", "赠", "礼"}
_UNNAMED_GIFTS |= {*"吃喝玩住拍看用拿", "免费", "直接"}  # 集满20个赞免费喝: no gift named
# the rest of a section label (领取方式, 兑换地点), not a gift
_LABEL_WORDS = {
    "方式",
    "地点",
    "地址",
    "时间",
    "规则",
    "流程",
    "须知",
    "说明",
    "条件",
    "渠道",
    "步骤",
    "入口",
}
_LABELLED_GIFT_RE = re.compile(
    r"(?:(?:奖品|礼品|礼物|赠品)(?:[二两三四五\d]选[一1]|任选[一1])?(?:分别)?"
    # 一等奖（1名）：Kindle一台, 第一名：500元现金 (the first prize of a ranking)
    # 一等奖1名：…, 一等奖 3 位：… — the count of winners may stand bare before the colon
    r"|(?:[一1]|特|头)等奖(?:\s*\(?\s*[\d一二三四五六七八九十]{1,3}\s*[名位人]\s*\)?)?|第[一1]名)"
    r"(?:是|为|:)\s*(?:\d[.、)]|[①②③])?\s*"
    # 一等奖 1名 价值299元的蓝牙音箱: the first prize and its count, then the prize (no colon)
    # (一等奖1名，iPad一台: or a comma after the count)
    r"|(?:[一1]|特|头)等奖\s*\(?\s*[\d一二三四五六七八九十]{1,3}\s*(?:名|位|人)\s*\)?(?:\s*,\s*|\s+)"
    # 一等奖 卡其色皮草马甲外套(1名): the prize, then its count of winners in brackets
    r"|(?:[一1]|特|头)等奖\s+(?=[^\s\d(:][^,;!?。\n(]{1,20}\(\s*[\d一二三四五六七八九十]{1,3}\s*[名位人个份]\s*\))"
    # 大奖不仅有免费门票一张, 奖品就是…礼盒一份, 奖品包括…: the prize as the subject, then its name
    r"|(?:大奖|奖项)(?:不仅|分别|主要)?(?:有(?![限效的])|包括|包含|就是|是(?!否)|为(?!准))\s*"
    # (not a remark about the prizes: 礼品有圈套的, 奖品有限)
    r"|(?:奖品|礼品)(?:不仅有|包括|包含|就是)\s*"
)
_HEADING_GIFT_RE = re.compile(
    r"^\s*#*\s*(?P<g>[^\s,;!?。、:()到去来在凭可即就请需]{2,12}?)(?:免费)?(?:相|大放)?"
    r"(?:领取|获取|领|送)\s*$"
)


def _clean_gift(t: str, start: int, end: int) -> tuple[int, int, Decimal | None]:
    """Trim a raw gift range [start, end) of the normalised text; return new range and value."""
    value: Decimal | None = None
    seg = t[start:end]
    m = _GIFT_CUT_RE.search(seg)
    if (
        m
        and m.group() in ("或者", "或是", "或")
        and _SHARED_COUNT_RE.fullmatch(seg, m.end())
        and not _NOT_A_GIFT_RE.search(seg, m.end())  # (not an errand: 或者到店领取一张)
        and not re.search(r"到店|前往|凭", seg[m.end() :])
    ):
        m = None  # 基础蛋糕课程券或中华料理课程券一张: alternatives sharing one count, one gift
    if m and m.start() > 0:
        end = start + m.start()
    if _PRICE_OFFER_RE.match(t, start, end):
        m = _GIFT_TRAIL_RE.search(t[start:end])
        return start, (start + m.start() if m and m.start() > 0 else end), None
    for _ in range(3):
        seg = t[start:end]
        m = _LEAD_VALUE_RE.match(seg)
        if m and m.end() < len(seg):
            value = _dec(m.group("v") or m.group("v2"))
            start += m.end()
            continue
        m = _GIFT_LEAD_RE.match(seg)
        if m and m.end() > 0 and m.end() < len(seg):
            start += m.end()
            continue
        m = _GIFT_GIVER_RE.match(seg)
        if m:
            start += m.end()
            continue
        break
    seg = t[start:end]
    m = _GIFT_TRAIL_RE.search(seg)
    if m and m.start() > 0:
        end = start + m.start()
    seg = t[start:end]
    m = _NAMED_CHANCE_RE.search(seg)
    if m and m.start() >= 2 and not _BARE_CHANCE_RE.search(seg):
        end = start + m.start()
        seg = t[start:end]
    m = _NARRATIVE_TAIL_RE.match(seg)
    if m:
        return start, start + m.end("g"), value
    m = _CONTENTS_LEAD_RE.match(seg)
    if m:
        start += m.end()
        seg = t[start:end]
    m = _COUNTED_QUOTE_RE.match(seg)
    if m:
        return start + m.start("q"), start + m.end("q"), value
    m = _FACE_VALUE_RE.match(seg)
    if m and value is None:
        value = _dec(m.group("v"))  # the face value is part of the gift's name
    m = _QUOTED_NAME_RE.match(seg)
    if m:
        start, end = start + m.start("q"), start + m.end("q")
    else:
        m = _BOOK_TITLE_RE.search(seg)
        if m and (m.start() <= 8 or not _is_cjk(seg[0])):
            suffix = _TITLE_SUFFIX_RE.match(seg, m.end())
            start, end = start + m.start(), start + (suffix.end() if suffix else m.end())
    while start < end and t[start] in " “”\"'‘’「」】]〗":
        start += 1  # 【免费领】网红保温杯: the bracket closing the verb
    while end > start and t[end - 1] in " “”\"'‘’「」":
        end -= 1
    return start, end, value


# A chance or right to take part is not a gift; a named one is (免单机会, 会员资格, 内测资格).
# 准备领取礼品时, 商家却…: a generic prize word followed by the narrative (the word is the gift)
_NARRATIVE_TAIL_RE = re.compile(r"^(?P<g>奖品|礼品|礼物|赠品|奖励)(?:时|的时候|后|却|被|已)")
_BARE_CHANCE_RE = re.compile(
    r"^(?:.{0,4}?(?:抽奖|参与|参加|参赛|获奖|中奖|领奖|兑换|购买|报名|活动))?的?(?:机会|资格)"
    r"|(?:抽奖|参与|参加|参赛|获奖|中奖|领奖|报名|活动|抽取|抽中)的?(?:机会|资格)$"
)
# 一次免费美甲的机会: the named service is the gift
_NAMED_CHANCE_RE = re.compile(r"的(?:机会|资格)$")


# 抽取3位读者，每人送出…: the winners, not the gift
_PERSON_RE = re.compile(
    r"^(?:幸运的?)?(?:读者|小伙伴|同学|朋友|观众|宝妈|家长|顾客|网友|粉丝|用户|幸运儿|参与者|好友)们?$"
)


_HEADCOUNT_RE = re.compile(
    r"^(?:(?:[\d一二三四五六七八九十]|特|头)等奖\s*\(?\s*)?[\d一二三四五六七八九十]{1,3}\s*(?:名|位|人)\)?$"
)


def _plausible_gift(g: str) -> bool:
    # a book or product title in 《》 may be long: 《Spring Cloud微服务-全栈技术与案例解析介绍》
    longest = 45 if _BOOK_TITLE_RE.fullmatch(g) else 25
    bare = g.strip(" :,;!?。")  # 即送： — the verb and its colon name no gift
    return (
        1 <= len(g) <= longest
        and bool(bare)
        and bare not in _UNNAMED_GIFTS
        and g not in _UNNAMED_GIFTS
        and g not in _LABEL_WORDS
        and not _NOT_A_GIFT_RE.search(g)
        and not _BARE_CHANCE_RE.search(g)
        and not _PERSON_RE.match(g)
        and not _HEADCOUNT_RE.match(bare)  # 一等奖 1名: the number of winners
        and not _CONNECTOR_RE.fullmatch(bare)  # 即可领取: 即可 is not the gift before its verb
        and not _VERB_RE.fullmatch(bare)  # 即可兑换: the verb alone names no gift
    )


def _dec(s: str | None) -> Decimal | None:
    """'168' → 168, '1.5万' → 15000, '三千' → 3000."""
    if not s:
        return None
    s = s.replace(" ", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([千万]?)", s)
    if m:
        try:
            value = Decimal(m.group(1)) * {"": 1, "千": 1000, "万": 10000}[m.group(2)]
        except InvalidOperation:
            return None
        if m.group(2) and value == value.to_integral_value():
            value = Decimal(int(value))  # 1.5万 → 15000, not 15000.0
        return value
    n = cn_int(s)
    return Decimal(n) if n is not None else None


_MENTION_RE = re.compile(r"@[^\s@,;!?。]{1,20}\s+")
_PAIRS = {"《": "》", "“": "”"}
# 30个赞：雨伞一把, 集赞20个=免费试听2节课, 集赞满30 → 送保温杯
_AFTER_LABEL_RE = re.compile(
    r"\s*[)\]】]?\s*(?:可得|可获得|送|奖励|奖品|礼品)?\s*(?::|=|→|->|=>|—{1,2}|-{2})\s*(?:送|领|得)?\s*"
)


def _clause_end(t: str, pos: int) -> int:
    """End of the clause starting at ``pos``; separators inside 《…》 or “…” do not end it."""
    start = pos
    while True:
        m = _CLAUSE_END_RE.search(t, pos)
        end = m.start() if m else len(t)
        for open_, close in _PAIRS.items():
            o = t.rfind(open_, start, end)
            if o != -1 and t.find(close, o, end) == -1:
                c = t.find(close, end, end + 40)
                if c != -1 and "\n" not in t[end:c]:
                    pos = c + 1
                    break
        else:
            return end


# 获得以下奖品： ⏎ 1. …, 奖品如下： ⏎ …: a deictic object, referring to the next line's first item
_FORWARD_REF_RE = re.compile(
    r"\s*(?:(?:以下|如下|下列|下面)(?:的|这些|几种|几款)?\s*(?:奖品|礼品|礼物|赠品|奖励|好礼|福利)?"
    r"|(?:奖品|礼品|礼物|赠品|奖励|好礼|福利)(?:如下|(?:有|包括|为)?\s*(?=:)))"
    r"\s*(?:之一|任选一|[二两三四五]选[一1])?\s*[:]?\s*$"
)
# 活动奖品 ⏎ 精美保温杯一个, 🎁本期礼品： ⏎ …: a line that only labels the prize
_PRIZE_LABEL_LINE_RE = re.compile(
    r"^[^\w\n]*#*\s*(?:活动|本期|本次|参与|集赞)?(?:奖品|礼品|礼物|赠品|奖励|好礼)(?:设置|清单|说明|如下)?"
    r"\s*[:]?[^\w\n]*$"
)
# a remark in brackets after the verb is about the offer, not its object
_REMARK_RE = re.compile(r"限|仅|数量|名额|先到先得|送完|为止|即止|每人|每位|注|详见|见下|图片|如图")
_OPENERS = {"(": ")", "[": "]", "【": "】", "〔": "〕"}


def _first_item_below(t: str, pos: int) -> tuple[int, int, Decimal | None] | None:
    """The first item on the next non-empty line after ``pos`` (a list mark stripped)."""
    nl = t.find("\n", pos)
    if nl == -1:
        return None
    nxt = nl + 1
    while nxt < len(t) and t[nxt] in " \n":
        nxt += 1
    line_end = t.find("\n", nxt)
    line_end = len(t) if line_end == -1 else line_end
    mark = _LIST_MARK_RE.match(t, nxt, line_end)
    if mark:
        nxt = mark.end()
    s, e, v = _clean_gift(t, nxt, min(_clause_end(t, nxt), line_end))
    return (s, e, v) if s < e and _plausible_gift(t[s:e]) else None


def _gift_after_verb(t: str, verb_end: int) -> tuple[int, int, Decimal | None] | None:
    while verb_end < len(t) and t[verb_end] == " ":
        verb_end += 1  # 集满30个赞 送 保温杯: words spaced out as on a poster
    m = _MENTION_RE.match(t, verb_end)
    if m and m.end() < len(t) and t[m.end()] not in ",;!?。\n":
        verb_end = m.end()  # 奖品为@KitchenM 基础蛋糕课程券: the sponsor's @mention, then the gift
    close = _OPENERS.get(t[verb_end : verb_end + 1])
    if close and close not in "】":  # 送(抱枕一个): the object wrapped in brackets
        c = t.find(close, verb_end + 1, verb_end + 30)
        if c != -1 and "\n" not in t[verb_end:c]:
            if _REMARK_RE.search(t, verb_end + 1, c):
                verb_end = c + 1  # 送(数量有限)精美台历一本: a remark, the object after it
            else:
                s, e, v = _clean_gift(t, verb_end + 1, c)
                if s < e and _plausible_gift(t[s:e]):
                    return s, e, v
    end = _clause_end(t, verb_end)
    line_end = t.find("\n", verb_end)
    line_end = len(t) if line_end == -1 else line_end
    if _FORWARD_REF_RE.fullmatch(t, verb_end, line_end):
        return _first_item_below(t, verb_end)
    m = _LIST_TAIL_RE.match(t, end) if end < len(t) and t[end] == "、" else None
    if m and _LIST_CLOSE_RE.search(t, verb_end, m.end()):
        end = m.end()  # 电饭锅、钥匙扣等礼品 / 含A、B、C的礼品包
    s, e, v = _clean_gift(t, verb_end, end)
    if s < e and _plausible_gift(t[s:e]):
        return s, e, v
    return None


def _gift_in_range(
    t: str, lo: int, hi: int, verb_re: re.Pattern[str] = _VERB_RE
) -> tuple[int, int, Decimal | None] | None:
    for m in verb_re.finditer(t, lo, hi):
        found = _gift_after_verb(t, m.end())
        if found:
            return found
    return None


def _gift_after_likes(t: str, hit: _LikeHit) -> tuple[int, int, Decimal | None] | None:
    """Look at the rest of the clause after the threshold and up to two more clauses."""
    sent_end = _sentence_end(t, hit.end)
    pos = hit.end
    # 30个赞：雨伞一把 / 一等奖（集满100个赞）：电饭煲一台 — the threshold labels its gift
    m = _AFTER_LABEL_RE.match(t, pos)
    if m:
        s, e, v = _clean_gift(t, m.end(), min(_clause_end(t, m.end()), sent_end))
        if s < e and _plausible_gift(t[s:e]):
            return s, e, v
    for n_clause in range(3):
        if pos >= sent_end:
            break
        while pos < sent_end and t[pos] in " ”\"'’」』】]":
            pos += 1
        end = min(_clause_end(t, pos), sent_end)
        if end == pos:  # empty clause: step over the separator
            pos += 1
            continue
        clause = t[pos:end]
        line_end = t.find("\n", pos)
        line_end = len(t) if line_end == -1 else line_end
        if _FORWARD_REF_RE.fullmatch(t, pos, line_end):  # 集满20个赞，奖品如下 ⏎ ① …
            return _first_item_below(t, pos)
        found = _gift_in_range(t, pos, end)
        if found:
            return found
        m = _CONNECTOR_RE.match(clause)
        if m and n_clause < 2:
            s, e, v = _clean_gift(t, pos + m.end(), end)
            if s < e and _plausible_gift(t[s:e]):
                return s, e, v
        m = _COUNTED_CLAUSE_RE.match(clause)
        if m and n_clause == 1:  # 集赞30个，小礼品一份；…: the next clause is a counted gift
            s, e, v = _clean_gift(t, pos, end)
            if s < e and _plausible_gift(t[s:e]):
                return s, e, v
        m = _TOPICAL_GIFT_RE.match(clause)
        if m and n_clause < 2:
            s, e, v = _clean_gift(t, pos + m.start("g"), pos + m.end("g"))
            if s < e and _plausible_gift(t[s:e]):
                return s, e, v
        pos = end + 1
    return _gift_on_a_later_line(t, hit.end)


# 小礼品一份, 精美台灯一个: a short noun phrase ending in its count (no verb)
_COUNTED_CLAUSE_RE = re.compile(
    # (not a quota: 限量100份, 仅剩20份, 共计200份, 每人限领1份)
    r"^(?![^,;]*(?:限|仅|只|共|剩|余|名额|数量|每人|每位|每个|总计|合计|库存|前|最多|至多|购|买|消费|充值))"
    r"[^\d\s,;!?。:]{2,12}?[一二两三四五六七八九十\d]{1,3}\s*"
    r"[个份张套件盒瓶只台支罐袋箱斤把副本杯束桶包块条双听]$"
)
_LIST_MARK_RE = re.compile(r"\s*(?:\d{1,2}\s*[.、)]|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩]|[-*•·])\s*")
_LEAD_VERB_RE = re.compile(r"(?:即可|就可以|就可|可以|可|即|就|均可|便可)?(?:" + _VERB + ")")
# 即可领取 / 赠送 / 就送！ alone: a giving verb whose object is on the next line
_VERB_ONLY_RE = re.compile(
    r"(?:[,!。:\s]|即可|就可以|就可|可以|可|即|就|均可|便可|免费|直接|到店|马上|立即)*"
    r"(?:" + _VERB + r")(?:取)?[,!。:\s]*"
)


def _gift_on_a_later_line(t: str, pos: int) -> tuple[int, int, Decimal | None] | None:
    """集满50个赞 ⏎ 送…！, 集赞满20个 ⏎ 即可领取 ⏎ 精美水杯一个: the gift on a later line.

    The threshold's line must end there, or end in a giving verb without an object; a line
    holding only such a verb is stepped over; the first other line names the gift — after its
    own verb, or as a whole when a verb was seen (it is the verb's object).
    """
    line_end = t.find("\n", pos)
    if line_end == -1:
        return None
    rest = t[pos:line_end]
    verb_seen = bool(rest.strip(" ,!。:")) and bool(_VERB_ONLY_RE.fullmatch(rest))
    if rest.strip(" ,!。:") and not verb_seen:
        return None
    for _ in range(2):
        nxt = line_end + 1
        while nxt < len(t) and t[nxt] in " \n":
            nxt += 1
        if nxt >= len(t):
            return None
        line_end = t.find("\n", nxt)
        line_end = len(t) if line_end == -1 else line_end
        if _VERB_ONLY_RE.fullmatch(t, nxt, line_end):
            verb_seen = True
            continue
        mark = _LIST_MARK_RE.match(t, nxt, line_end)  # 即送： ⏎ 1. 精美帆布袋一个
        if mark and verb_seen:
            nxt = mark.end()
        m = _LEAD_VERB_RE.match(t, nxt)
        if m:
            found = _gift_after_verb(t, m.end())
            return found if found and found[1] <= line_end else None
        if not verb_seen:
            return None
        s, e, v = _clean_gift(t, nxt, min(_clause_end(t, nxt), line_end))
        return (s, e, v) if s < e and _plausible_gift(t[s:e]) else None
    return None


def _find_gift(t: str, hits: list[_LikeHit]) -> tuple[int, int, Decimal | None] | None:
    if hits:
        lowest = min(h.value for h in hits)
        ordered = sorted(hits, key=lambda h: (h.value != lowest, h.start))
        for h in ordered:
            found = _gift_after_likes(t, h)
            if found:
                return found
    for m in _LABELLED_GIFT_RE.finditer(t):
        found = _gift_after_verb(t, m.end())
        if found:
            return found
    pos = 0
    for line in t.split("\n"):
        if _PRIZE_LABEL_LINE_RE.match(line):
            found = _first_item_below(t, pos)
            if found:
                return found
        pos += len(line) + 1
    for m in re.finditer(r"赞|攒", t):
        found = _gift_in_range(t, m.end(), _sentence_end(t, m.end()))
        if found:
            return found
    # (a space parts a poster's title, for the strong verbs only: 🎁集赞有礼🎁 精美台历免费领)
    for split, rx in (
        (r"[,;!?。、\n]", _HEADING_GIFT_RE),
        (r"[,;!?。、\n]| (?![A-Za-z\d])|(?<![A-Za-z\d]) ", _TITLE_TOPICAL_RE),
    ):
        pos = 0
        for clause in re.split(split, t):
            m = rx.match(clause)
            if m:
                s, e, v = _clean_gift(t, pos + m.start("g"), pos + m.end("g"))
                if s < e and _plausible_gift(t[s:e]):
                    return s, e, v
            pos += len(clause) + 1
    return (
        _gift_in_range(t, 0, len(t), _STRONG_VERB_RE) or _gift_named_before(t) or _gift_credited(t)
    )


# 新书《…》，…关注并转发，即有机会获赠，共十本: a giving verb without an object refers back to the
# title named before it in the same paragraph
_OBJECTLESS_VERB_RE = re.compile(
    r"(?:获赠|赠送|送出|领取|获得|赢取|赢得|送)(?=\s*(?:[,;!?。\n]|$"
    r"|共\s*[\d一二两三四五六七八九十百]{1,4}\s*[本份个张套件名]))"
)
# 补贴最迟24小时内到账, 红包将于活动结束后发放: the reward named as the subject of its payment
_CREDITED_RE = re.compile(
    r"(?P<g>现金红包|红包|补贴|奖金|返现|佣金|话费|流量)"
    r"(?:最迟|将于|将在|将会|会在|预计|会|将)?[^,;!?。\n]{0,12}?(?:到账|发放|发到|充值到|返还)"
)


def _gift_named_before(t: str) -> tuple[int, int, Decimal | None] | None:
    for m in _OBJECTLESS_VERB_RE.finditer(t):
        para = t.rfind("\n\n", 0, m.start()) + 1
        titles = list(_BOOK_TITLE_RE.finditer(t, max(para, m.start() - 200), m.start()))
        if titles and _plausible_gift(titles[-1].group()):
            return titles[-1].start(), titles[-1].end(), None
    return None


def _gift_credited(t: str) -> tuple[int, int, Decimal | None] | None:
    m = _CREDITED_RE.search(t)
    return (m.start("g"), m.end("g"), None) if m else None


def _find_value(t: str, gift_start: int, gift_end: int) -> Decimal | None:
    """A value phrase right after the gift, or in a sentence/line naming the gift again."""
    after = t[gift_end : gift_end + 12]
    after = t[gift_end : gift_end + 16]
    m = re.match(
        rf"[,\s]*(?:,|\(|)?\s*(?:每份|每个|每件|每台|每套|单价|均)?\s*{_VALUE_RE.pattern}", after
    )
    if m:
        return _dec(m.group("v"))
    gift = t[gift_start:gift_end]
    keys = {gift}
    if len(gift) >= 3:
        keys.add(gift[:-1])
    for line in re.split(r"[。!?;\n]", t):
        if any(k in line for k in keys):
            m = _VALUE_RE.search(line)
            if m:
                return _dec(m.group("v"))
    return None
