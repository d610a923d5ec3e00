"""Redemption place or channel, other conditions and a quantity limit."""

from __future__ import annotations

import re

from campaigns.terms.text import NUM as _NUM
from campaigns.terms.text import Norm as _Norm
from campaigns.terms.text import cn_int, core
from campaigns.terms.text import is_cjk as _is_cjk

# a place name may carry a floor, number or unit: 万达广场3楼星巴克, 解放路128号本店
_PLACE_CHAR = r"(?:[^\s,;!?。、:()来到去往在于\d]|\d{1,5}(?=[楼层号栋座室幢]|单元|[fF]))"
_PLACE_PATTERNS = (
    # 到店 unless a counter in the shop is named (到本店前台领取)
    re.compile(
        r"(?P<p>到店|到门店|进店|到本店|来店|来本店)"
        r"(?![\u4e00-\u9fff]{0,3}(?:前台|收银台|服务台|柜台))"
        # 到店领取 / 开业当日到店即可获得
        r"(?=.{0,4}(?:领|兑|核销|消费|使用|出示|获|得|享|送|免费))"
    ),
    re.compile(
        rf"(?:来|到|去|前往|在|于|(?<!截)至)(?:位于[^,;。!?]{{1,20}}的)?(?P<p>{_PLACE_CHAR}{{2,16}}?)"
        # 至門市櫃檯即可兌換: a connector before the verb is not part of the place
        r"(?:来|去)?(?:即可|就可以|就可|便可|可以|即|可)?(?:免费)?"
        r"(?:领取|领|兑换|兑奖|核销|登录|登记|填写|提交|出示)"
    ),
    re.compile(
        r"(?:添加|(?<![参增更追添附叠])加)(?P<p>(?:我的?|小编的?|客服的?|老师的?|店主的?|工作人员的?)?"
        r"(?:微信|企业微信|qq)(?:号)?(?:\s*\([^()]{0,24}\))?"
        # the account itself when written (masked ids are "x"): 加微信 x 沟通
        # (ASCII only: 微信x领取奖品 — the id ends where the Chinese text starts)
        r"(?:\s*:?\s*(?:[A-Za-z][A-Za-z0-9_-]{0,29}|\d{5,12})(?![A-Za-z0-9_-]))?)"
    ),
    re.compile(r"前往(?:位于[^,;。!?]{1,20}的)?(?P<p>[^,;。!?\s的]{2,16}?)(?=[,;。!?]|领|兑)"),
    re.compile(
        r"(?:发送至|发送到|发至|发到|发给|截图给|截图发给|提交至|提交到|发送给)"
        r"(?P<p>[^\s,;!?。、()][^,;!?。、\n]{1,19})"
    ),
    re.compile(rf"通过(?P<p>{_PLACE_CHAR}{{2,12}}?)(?:发送|提交|联系|认证)"),
    re.compile(
        r"(?:(?:活动|领取|兑换|兑奖|领奖)?(?:地址|地点))\s*(?::|\n)\s*(?P<p>[^\n,;。!?]{2,40})"
    ),
    re.compile(r"微信搜索(?P<p>[^\s,;!?。、]{2,20})"),
    # a cash reward credited to a wallet: 请注意查看您的微信钱包
    re.compile(r"查看(?:您的|你的)?(?P<p>(?:微信|支付宝|qq)?(?:钱包|零钱|卡包|余额))"),
    # 私訊小編 folds to 私讯小编 (訊 → 讯), not 私信
    re.compile(r"(?P<p>私(?:信|讯)(?:小编|客服|我们|店主|老板|后台|公众号))"),
    re.compile(r"(?P<p>(?:[^\s,;!?。、:()]{1,4})?私(?:信|讯))"),
    # 联系客服领取, 在公众号回复“集赞”领取
    re.compile(
        r"联系(?P<p>(?:在线|微信)?客服|店主|老板|小编|工作人员|班主任|老师)(?=.{0,6}(?:领|兑|登记|预约))"
    ),
    re.compile(
        r"(?:在|于|到)(?P<p>[^\s,;。、!?]{0,8}?(?:公众号|小程序|app|APP|群)(?:后台)?)"
        r"(?:内)?(?=回复|留言|发送|领取|兑换)"
    ),
    # a shop, hotel or counter the participant goes to
    re.compile(
        rf"(?:到|来|去|前往|至)(?P<p>{_PLACE_CHAR}{{1,14}}?"
        r"(?:门店|分店|总店|超市|商场|酒店|宾馆|饭店|售楼处|售楼部|服务台|专柜|营业厅|影城|影院|门市|店))"
        r"(?![\u4e00-\u9fff]{0,2}的)"
    ),
    re.compile(
        rf"(?:在|于)(?P<p>{_PLACE_CHAR}{{1,14}}?"
        r"(?:门店|分店|总店|超市|商场|酒店|宾馆|饭店|售楼处|售楼部|服务台|专柜|营业厅|影城|影院|门市|店))"
        r"(?=\s*(?:领|兑|核销|出示|凭|使用))"
    ),
    # the merchant that runs the activity: 参加了钦州诚外城家私城的微信集赞换礼品活动
    re.compile(
        r"(?:参加了?|参与了?)(?P<p>[^\s,;!?。、:()]{2,16}?"
        r"(?:城|店|超市|商场|酒店|中心|馆|公司|银行|楼盘|广场))的(?:微信|朋友圈)?(?:集赞|点赞|积赞)"
    ),
)
_NOT_A_PLACE_RE = re.compile(
    r"朋友圈|活动|时间|期间|集满|赞|购买|支持|参与|参加|报名|^(?:对方|我|我们|他|她|你|您)后?$"
)


# 集够赞后到商家处领取时,却被告知…: the consumer's errand in a report's narrative, not a term
_NARRATIVE_ERRAND_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,2}?(?:领取|领|兑换|兑奖|核销|领奖))?(?:礼品|奖品|礼物)?(?:时|的时候)\s*[,]?\s*(?:却|竟|才|被告知|被|发现|店员|工作人员|商家|店家|店主|老板|对方)"
)


_CLOSERS = {")": "(", "]": "[", "】": "【"}
_PLACE_TAIL_RE = re.compile(r"(?:即可|就可以|就可|便可)[^\u4e00-\u9fff]*$")


def _find_place(t: str) -> tuple[int, int] | None:
    for rx in _PLACE_PATTERNS:
        for m in rx.finditer(t):
            s, e = m.start("p"), m.end("p")
            while e > s and t[e - 1] in "后 ":
                e -= 1
            # （本店地址：普陀真光路附近）: the bracket closes a remark around the place
            while e > s and t[e - 1] in ")]】" and _CLOSERS[t[e - 1]] not in t[s : e - 1]:
                e -= 1
            tail = _PLACE_TAIL_RE.search(t, s, e)  # 发送至后台即可: the connector is not the place
            if tail and tail.start() > s:
                e = tail.start()
            if e - s < 1 or _NOT_A_PLACE_RE.search(t[s:e]):
                continue
            if _NARRATIVE_ERRAND_RE.match(t, m.end()):
                continue
            return s, e
    return None


# ---------------------------------------------------------------------------------------------
# Conditions and quantity limit
# ---------------------------------------------------------------------------------------------

_CONDITION_RE = re.compile(
    r"关注|添加.{0,10}(?:好友|微信)|(?<![参增更追添])加.{0,4}(?:好友|微信)|下载|安装|注册|"
    r"截图|凭|出示|展示|审核|验证|认证|"
    r"保留|保持\s*\d+\s*(?:小时|天)|不得删除|不能删除|删除|"
    r"新(?:用户|粉丝|会员|客户|关注)|仅限|限(?:新|老|本地|本人)|老客户|"
    r"限前|前\s*\d+\s*名|前[一二三四五六七八九十]+[名位]|名额|数量有限|先到先得|"
    r"(?:送|卖|领|发)完为止|限领|限一次|仅限一次|每(?:人|个|位|微信号|手机号|代理|户|天|日)"
    r".{0,8}(?:限|仅|只)|限量|"
    r"到店消费|需消费|消费满|需购买|须购买|另购|另外购买|加购|需购|须购|购买任意|任意消费|充值|办卡|开卡|押金|邮费|运费|"
    r"领取时间|兑换时间|预约|抽奖|\d+\s*个字|\d+\s*张图|配上|更换.{0,6}头像|"
    r"不可与|不与其他|不可叠加|不能叠加|逾期|作弊|刷赞|刷顶|"
    r"留言|评论区|报名"
)
_LIST_MARK_RE = re.compile(
    r"^\s*(?:#+\s*)?(?:\d{1,2}\s*[.、:)]|\(\d{1,2}\)|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]、)?\s*"
)
_COND_LEAD_RE = re.compile(r"^(?:只要|并且|然后|同时|另外|而且|且|并|和|及|再)+")
_QUANTITY_RES = (
    re.compile(rf"限前\s*(?P<n>{_NUM})\s*(?:名|位|个|份)"),
    re.compile(rf"(?<![获赞最多的])前\s*(?P<n>{_NUM})\s*(?:名|位)"),
    re.compile(rf"限量\s*(?P<n>{_NUM})\s*(?:份|个|件|套|张|瓶|盒|名)?"),
    re.compile(rf"(?:仅限|只限|共|仅有|只有|仅)\s*(?P<n>{_NUM})\s*(?:个|份|名|位)\s*(?:名额)?"),
    re.compile(rf"名额\s*(?:仅|只有|为|:)?\s*(?P<n>{_NUM})\s*(?:个|名|位)"),
    re.compile(rf"(?:分发|发放|送出|赠送|派发)\s*(?P<n>{_NUM})\s*(?:份|个|桶|张|件|套|瓶|盒|名)"),
)


_COND_STOP_RE = re.compile(
    r"(?:转发|分享)(?:本文|文章|此|该|到|至|朋友圈|海报|活动|集赞)|集赞\d|集满|集齐|即可|就可以|才能|才可"
)
_COND_MODALS = set("请需要必须先由将凭")


def _find_conditions(norm: _Norm, exclude: list[tuple[int, int]]) -> tuple[str, ...]:
    """One short span per clause that states a condition (see the module docstring)."""
    t = norm.text
    out: list[str] = []
    seen: set[str] = set()
    pos = 0
    for clause in re.split(r"[,;!?。\n、]", t):
        c_start, c_end = pos, pos + len(clause)
        pos = c_end + 1
        lead = _LIST_MARK_RE.match(clause)
        body = c_start + (lead.end() if lead else 0)
        lead2 = _COND_LEAD_RE.match(t, body, c_end)
        if lead2:
            body = lead2.end()
        for m in _CONDITION_RE.finditer(t, body, c_end):
            k = m.start()
            if any(a <= k < b for a, b in exclude):
                continue  # the keyword belongs to the gift or the deadline
            s = body
            if k - s > 12:  # long lead-in: start at the keyword, or at a modal (请/需…) just before
                s = k
                while s > body and k - s < 4 and _is_cjk(t[s - 1]):
                    s -= 1
                modal = next((i for i in range(k - 1, s - 1, -1) if t[i] in _COND_MODALS), None)
                verb = re.search(r"(?:上传|提交|提供|发送|出示)$", t[s:k])
                s = modal if modal is not None else (s + verb.start() if verb else k)
            e = c_end
            for stop in _COND_STOP_RE.finditer(t, m.end(), c_end):
                if t.count("“", s, stop.start()) <= t.count("”", s, stop.start()):
                    e = stop.start()  # not inside a quoted name
                    break
            for a, _b in exclude:
                if s < a < e and a - s >= 2:
                    e = a  # stop where the gift or deadline starts
            e = min(e, s + 40)
            while e > s and (
                t[e - 1] in " “\"'并和及且或"
                or (t[e - 1] == "”" and t.count("“", s, e) < t.count("”", s, e))
            ):
                e -= 1
            if e <= k:
                continue  # cut before the keyword: nothing left to state
            while s < e and t[s] in " “”\"'":
                s += 1
            if e - s < 2:
                continue
            if any(
                max(s, a) < min(e, b) and (e - s) - (min(e, b) - max(s, a)) <= 6 for a, b in exclude
            ):
                continue  # mostly the gift or the deadline
            span = norm.span(s, e)
            key = core(span)
            if span and key and key not in seen:
                seen.add(key)
                out.append(span)
            break
    return tuple(out)


def _find_quantity(t: str) -> int | None:
    for rx in _QUANTITY_RES:
        for m in rx.finditer(t):
            n = cn_int(m.group("n"))
            if n is not None and 0 < n < 1_000_000:
                return n
    return None
