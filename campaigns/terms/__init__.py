"""Structured terms of a 集赞换礼 campaign, extracted from the notice's raw text.

``parse_terms(text, reference_date=None)`` returns a :class:`CampaignTerms`: likes required, the
gift and its stated value, the deadline (text span and, when it can be dated, an ISO date), the
redemption place or channel, other conditions, a quantity limit when one is stated, and — for a
tiered notice — every tier (:class:`Tier`: likes, gift, value, the conditions stated for it).

Pure Python (no Django), deterministic, no network. Every text field is a verbatim substring of
the input, so a reviewer can highlight it.

Modules: :mod:`.model` (the value objects), :mod:`.text` (normalisation with an offset map and
numerals), :mod:`.structure` (lines, headings, labelled fields, list items, table rows), the
phrase readers :mod:`.likes`, :mod:`.gifts`, :mod:`.dates` and :mod:`.places`, and
:mod:`.parse` (``parse_terms``).

How the text is read
--------------------
**Normalisation** (:mod:`.text`): characters fold through the project's one normaliser, the
scanner's (:class:`scanning.normalize.Normalizer`: zhconv traditional → simplified,
width, NFKC, case, invisible characters), one character at a time so that line breaks and
separators survive; markdown ``*``, pinyin glosses (``個(gè)``) and spaces next to digits are
dropped. Spans are cut from the original through the offset map.

**Structure first** (:mod:`.structure`): the notice is split into lines; markdown headings,
bracketed or starred titles, numbered chapters, ``label：`` lines and a plain line that is only a
section title (``奖品展示``, ``活动时间``, ``参与方式``) open sections; ``label：value``
lines and table rows (``| 奖品 | 保温杯一个 |``) are labelled fields; a header row above a
separator (``| 奖品 | 数量 |`` ⏎ ``|---|---|``) that names a field labels the cells of its column
in the rows below (``| 蓝牙耳机 | 10 |`` → 奖品: 蓝牙耳机); list markers are set aside.
Labels are classified: 活动时间/投票时间/截止/开奖… → deadline, 奖品/礼品/奖励… → gift,
领取方式/领取地点/地址/提交方式… → place (领取时间, 营业时间, 审核周期 are not deadlines).

A table whose header has a likes column and a prize column (``| 集赞数 | 奖品 |``) gives one
tier per row (:func:`.structure.table_tiers`).

**Then phrases** (:mod:`.likes`, :mod:`.gifts`, :mod:`.dates` with :mod:`.relative` and
:mod:`.festivals`, :mod:`.places`, :mod:`.parse`):

- **likes**: ``N个赞`` / ``N赞`` / ``N个“赞”`` / ``N个好友评论或者点赞`` / ``N位好友‘点赞’`` and
  ``集赞N个`` / ``集赞满N`` / ``点赞数达到N`` / ``积【攒】，满N个``, ``集满N个`` when the sentence
  speaks of 赞, slash lists ``30/60/100 及以上赞``, a list continued with ``…，满28个送…`` (or,
  once begun with 赞, ``…；满50可领10元券``; ``满200送100`` is money off);
  Arabic, Chinese, 大写 (``伍拾``) and 廿/卅 numerals; ``N个Like``, ``N个以上点赞``, ``集满赞N个``,
  ``赞数满N``, a labelled field (``集赞目标：30个``, ``集赞数：50``). A per-like reward
  (``点一个赞送1现金券``, ``每获得1个赞奖励1元``) is 1. Several thresholds → the lowest.
  Ordinals (``第88个赞``), rankings (``获赞最多的10名``), liking once (``点赞一个吧``), the
  likes still missing (``还差3个赞``) and a count already held (``帖子已有2000多个赞``,
  unless a reward follows: ``只要有30个赞就送``) are not thresholds.
- **gift**: the span after the reward verb (送/赠送/获赠/送出/领取/获得/拿到/领到/奖励/立减,
  a lottery 抽到/抽N名 (``抽一人送…``, ``抽取3位粉丝送出…``; not a person drawn: ``抽到奇怪的人``),
  a counted draw of winners named by any short noun, then the giving verb or the treat
  (``揪5位朋友送…``, ``随机抽选1位大人送上…``, ``抽20位管理员喝…``, ``抽出2位幸运儿，送上…``),
  ``有机会得…``, an offer of counted gifts (``我们愿意出4份…``, ``奉上价值999元的…``), a treat
  (``我请大家喝奶茶``), the right to buy cheaply 半价购买… / ``8.8元抢购…`` (labelled as written),
  money off or back 抵扣/返现, 抽/拿/兑 right after 赞 as in ``集赞抽iPhone``, a free experience
  ``免费吃大餐`` / ``免费参加夏令营`` / ``免单一次``) that follows the lowest threshold — in
  the same sentence, after a colon, =, an arrow or a dash (``30个赞：雨伞一把``,
  ``集赞20个=免费试听2节课``, ``30赞——精美书签一套``, also with poster spacing
  ``集满30个赞 送 保温杯``), as the next clause when it is a counted noun phrase
  (``集赞30个，小礼品一份``), before its verb (``价值168元的自助餐券就能免费领``,
  ``奶茶一杯免费喝``, ``…等你拿``) or, when the threshold ends its line or ends it with a
  giving verb that has no object (``点赞满50即可领取`` ⏎ ``价值99元的…``, ``集满10个赞`` ⏎
  ``赠送`` ⏎ ``精美钥匙扣一个``, ``即送：`` ⏎ ``1. 精美帆布袋一个``), on a later line (a line
  holding only the verb is stepped over, a list marker set aside);
  otherwise the value of a line or section labelled as the prize; otherwise the phrase
  fallbacks (``奖品：…``, ``奖品分别为：…``, a title naming the gift before a strong verb
  (``iPhone15等你拿``, ``🎁集赞有礼🎁 精美台历免费领``), the first prize of a ranking
  ``一等奖（1名）：…`` / ``一等奖 1名 价值299元的蓝牙音箱`` / ``一等奖 品牌双肩包(1名)`` /
  ``第一名：…`` / ``一等奖1名，iPad一台``, the prize as the subject (``大奖不仅有…``,
  ``奖品就是…``, ``奖品包括…``; not ``礼品有圈套的``), the count of
  winners never being the gift, a reward verb after a 集赞 word, a heading such as
  ``授权码获取``, a giving verb without an object referring back to the 《title》 named
  before it — ``新书《…》，…即有机会获赠`` —, a reward named as the subject of its
  payment — ``补贴最迟24小时内到账``).
  The span loses a giver (``由某某公司提供的`` — after 由 up to 30 characters —,
  ``本公司送出的``, ``我们精心准备的``, ``由本店特别定制的``) or where it is sold
  (``店铺中出售的``), a label after the verb
  (``领取奖品：精美台历一本``), a sponsor's @mention in front
  (``奖品为@某某烘焙 手工曲奇一盒``) and a draw tool's after it (``送100元礼物@微博抽奖平台``),
  a leading value phrase
  (``价值168元的``, ``价值上千元的``, ``一支价值三千元人民币左右的``), contents before 的
  (``含A、B的礼品包`` → 礼品包) and
  trailing particles; a list closed by 等… is one gift (``电饭锅、钥匙扣等礼品``); a counted quoted
  name is the gift (``送出3本“极客周历”``); a quoted name after a modifier
  (``她心仪已久的“柠檬水杯”``) and a title in 《》 (up to 43 characters) are kept whole, with an
  edition and its count (``《小王子》精装版一本``; a bare count is not kept: ``《小王子》``).
  Alternatives are cut to the first (``A或B``) unless they share one count
  (``基础蛋糕课程券或中华料理课程券一张`` is one gift); a space inside a Latin name does not part
  a title (``10台iPad min大放送``).
  A connector, a verb or a colon alone (``即可``, ``兑换``, ``送：``) names no gift, nor does an
  errand before a verb (``集满了50个赞后到店领取``); the post that announced the gift is cut
  off (``集赞换电影票的消息`` → 电影票).
  A bare quantity (半斤,
  一本, 1个月) gives way to a 《title》 or to the gift named in the title (``集赞送草莓``,
  ``按点赞数发放会员``). A chance
  or right to take part (抽奖机会, 参与资格, 抽中的资格) is not a gift; a named one is
  (免单机会, 会员资格, 兑换码; ``一次免费美甲的机会`` → 一次免费美甲). The winners of a draw
  (``抽取3位读者，每人送出…``) are not the gift.
- **tiers**: each distinct threshold with the gift after it (and the conditions in its part of
  the text); kept when at least two thresholds name their own gift, or for a slash list, or
  from a table. A threshold that is merely raised later (one gift, two numbers) is not a tier.
- **gift_value**: ``价值/面值/市场价(值)/原价 N 元`` (N in Arabic or Chinese numerals, with
  千/万: ``价值1.5万元``, ``价值三千元人民币左右``) in front of the gift, right after it, or in a
  sentence or line naming the gift again; ``N元的<gift>``; the face value of a card or coupon
  named by it (``18元该超市贵宾卡一张``, ``50元优惠券``, ``中国移动30元充值卡``, ``100元礼物``);
  ``每份价值N元`` right after the gift.
- **deadline**: a start date with a length (``5月1日起，为期7天`` → 5月7日, ``4月28日开始，
  活动持续一周``, ``…起为期一个月``; counted inclusively) ends the period; first the value of a line
  labelled as a time (``活动时间：…``; the activity's
  period before a draw time; when a later line gives a later participation step, 登记时间 after
  参与时间, that step's end; 兑奖期限 and other redemption windows are not deadlines), then a
  date after a deadline keyword, a dotted range after a time keyword (``活动日期4.20-4.30``), a
  date range (``2月3日~17日``, ``6月2日(一)早上9点至6月6日(五)下午23点59分止``), a date followed by
  前/截止/结束/止 (a dotted one too: ``5.6前有效``), a date followed by the draw or the giving
  (``11月2号开@转发抽奖平台``, ``将于6月12日开奖``, ``12.16抽取一等奖``, ``12.5晚20点公布中奖结果``,
  ``11.30送出…``, ``5.20抽3位…``, with an adverb or the draw tool between:
  ``2012年12月5日晚9时准时抽奖``, ``5月25日由@微博抽奖平台 开奖``, ``6月1日通过微博抽奖平台抽出``,
  ``6月3日揭晓``, ``中奖名单将于10月8日公布``; of several, the last), the date a draw is held on
  (``将于11月30日中午12:30分，在…举办盛大抽奖仪式``), ``即日起至…`` / ``即日起—…``, ``活动持续至…``,
  a lunar day or festival (``农历八月十五``, ``正月十五``,
  ``截止到端午节``; not a festival approaching: ``快到圣诞节了``; :mod:`.festivals`,
  converted with ``lunar_python``), or a relative window
  (:mod:`.relative`: ``当日24点前``, ``仅限今天``, ``明天12点前``, ``本周日``, ``本周末``,
  ``截止周日``, ``截止至月底``, ``至2024年5月底``, ``活动为期一周``, ``活动仅限3天``,
  ``活动仅剩最后三天``, ``即日起一个月内``; a relative day of the draw: ``明晚8点开奖``,
  ``后天抽个粉丝…``, ``周五开奖`` (the coming one; not a weekly draw: ``每周2位，周三开奖``),
  ``一周后开奖``); a draw time gives way to the activity's own
  period; festivals include 五一, 六一, 国庆 and 双十一/双十二. Vague windows that bound the
  collecting or the activity (``活动期间内``, ``下单后3天内``, ``规定时间内``, ``五一期间有效``,
  a period named without a date after a time label: ``活动时间：开业当天``,
  ``在活动当日发送``) are kept as ``deadline_text`` with no date; a redemption window
  (``在活动时间内到店领取``) is not a deadline. Dates in narrative (``4月底，记者…``,
  ``春节期间，…``, ``活动持续了3天``) are not deadlines. ``deadline``
  is the last day of the period, filled when the year is written or ``reference_date`` is given:
  a year-less date (and a lunar day's lunar year) takes the year that puts it closest to the
  reference date; a range's end is
  never before its start; relative windows count from the reference date.
- **place**: the value of a place-labelled line (its 到店 if it says so); else 到店 (unless a
  counter is named: 到本店前台; 到店领取, 到店即可获得) / 来X领取 / 在X领取 / 至X兑换 / 到X登录 /
  前往X / 发送至X / 截图给X /
  通过X发送 / 添加我的微信 / 加微信 x / 私信小编 / 联系客服 / 在公众号回复 / 查看您的微信钱包 /
  活动地址/领取地点 … (an unmatched closing bracket after it is not part of the place:
  ``（本店地址：普陀真光路附近）``), a
  place name keeping its floor or number (``万达广场3楼星巴克``, ``解放路128号本店``), also where
  the screenshot is shown (``到万达广场B1层星巴克门店出示截图``); a WeChat id ends where the
  Chinese text starts (``添加客服微信x领取`` → 客服微信x), a connector before the verb is not part
  of the place (``至門市櫃檯即可兌換`` → 門市櫃檯), and 私訊 (folded to 私讯) is 私信; else a shop,
  hotel or counter the participant goes to (``到该超市服务台``), or the merchant running the
  activity (``参加了X家私城的集赞活动``). A report's account of the consumer's errand
  (``到商家处领取时，却被告知…``) is not the notice's place.
- **conditions**: short verbatim clauses that require something beyond "share and collect N
  likes": follow/add friend/install, proof and review, keeping the post, content rules,
  eligibility, quotas, **purchases** (到店消费, 消费满…, 需另购任意产品, 加购), redemption windows,
  lotteries, no-stacking rules.
- **quantity_limit**: the number in ``限前N名`` / ``前N名`` / ``限量N份`` / ``名额N个`` /
  ``各分发N桶`` …

Accuracy
--------
``tests/campaigns/notices.py`` holds the labelled real notices (the 59 development notices and
the grown set), the frozen test split (by id hash) and the scoring rules;
``tests/campaigns/test_terms_parser.py`` prints per-field accuracy for both splits.
"""

from campaigns.terms.model import CampaignTerms, Tier
from campaigns.terms.parse import parse_terms
from campaigns.terms.text import cn_int, core, normalize, normalize_with_offsets

__all__ = [
    "CampaignTerms",
    "Tier",
    "cn_int",
    "core",
    "normalize",
    "normalize_with_offsets",
    "parse_terms",
]
