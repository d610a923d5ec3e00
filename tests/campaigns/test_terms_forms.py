"""Campaign-terms parser: the forms of notice wording added in the third round (issue 17).

Each case is a class of wording — numerals, per-like rewards, lottery prizes, lists, lunar days
and festivals, relative windows, addresses and channels, tiers as lines or tables — with the
narrative look-alikes that must not be read as terms.
"""

import datetime

import pytest

from campaigns.terms import parse_terms

REF = datetime.date(2024, 4, 20)  # a Saturday


# --- likes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "likes"),
    [
        ("集齐廿八个赞送奶茶一杯", 28),
        ("集满伍拾个赞送洗车一次", 50),
        ("集满壹佰个赞送礼品", 100),
        ("集赞二十个送饮料一瓶", 20),
        ("集满38+个赞送鲜花", 38),
        ("商品点赞送现金券，点一个赞送1现金券。", 1),
        ("每一个赞奖励一元，上不封顶", 1),
        ("点赞一个吧", None),
        ("点赞一下送你小心心", None),
        ("收获了一百多个赞", None),
    ],
)
def test_likes_numerals_and_per_like_rewards(text, likes):
    assert parse_terms(text).likes == likes


# --- gift -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gift"),
    [
        ("每获得1个赞奖励1元，上不封顶", "1元"),
        ("骗子往往声称只要集齐一定数量的“赞”,就有可能抽到iPhone5s", "iPhone5s"),
        ("分享图文即可参与抽现金,总计抽3名现金奖励。", "现金奖励"),
        ("小编将抽取1位幸运的小伙伴获取星星向龙系列卡套包", "星星向龙系列卡套包"),
        ("最后送出3本“极客周历”给留言点赞数前三的同学", "“极客周历”"),
        ("旅行社拿出100多个“沙扒湾两日游”的名额,送给集赞的网友", "“沙扒湾两日游”"),
        ("收集好友点赞,凭截图就可以领取电饭锅、钥匙扣等礼品", "电饭锅、钥匙扣等礼品"),
        ("凡积赞满39个即可免费领取含床上四件套、玻尿酸、三重氧能套的礼品包。", "礼品包"),
        ("按点赞数发放会员：每 1 个赞送 1 个月。", "会员"),
        ("集满88个赞，奖励现金红包8.8元", "现金红包8.8元"),
        ("集满20个赞，立减10元", "10元"),
        ("集满20个赞，赠品二选一：帆布袋/保温杯", "帆布袋/保温杯"),
        ("商家宣称，只要集满50个赞就能拿到一张电影票", "一张电影票"),
        ("集满20个赞就可以领到价值上千元的大礼包", "大礼包"),
        ("集满赞的顾客可以半价购买指定商品", "半价购买指定商品"),
        ("虽集满了32个赞,但当她按流程准备领取礼品时,商家却终止了活动", "礼品"),
        ("集满赞后,商家却说礼品已经送完了", None),
        ("集满38个赞可获赠太阳镜一副", "太阳镜一副"),
    ],
)
def test_gift_forms(text, gift):
    assert parse_terms(text).gift == gift


# --- deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "day"),
    [
        ("集满30个赞送月饼一盒，截止农历八月十五", "农历八月十五", datetime.date(2024, 9, 17)),
        ("集满30个赞送汤圆，截至正月十五", "截至正月十五", datetime.date(2024, 2, 24)),
        ("集满30个赞送粽子，截止到端午节", "端午节", datetime.date(2024, 6, 10)),
        ("集满30个赞送粽子，端午节前截止", "端午节前", datetime.date(2024, 6, 10)),
        ("集满30个赞送小龙虾一份，仅限本周末", "本周末", datetime.date(2024, 4, 21)),
        ("活动时间为本周六、周日，集满30个赞送奶茶", "本周六、周日", datetime.date(2024, 4, 21)),
        ("集满30个赞送奶茶，活动截止周日晚8点", "截止周日晚8点", datetime.date(2024, 4, 21)),
        ("集满30个赞送奶茶，仅限今天", "仅限今天", REF),
        ("集满30个赞送奶茶，明天中午12点前有效", "明天中午12点前", datetime.date(2024, 4, 21)),
        ("集满30个赞送奶茶，活动为期一周", "活动为期一周", datetime.date(2024, 4, 27)),
        ("集满30个赞送奶茶，活动截止至月底", "月底", datetime.date(2024, 4, 30)),
        ("集满30个赞送奶茶（活动至5月底结束）", "5月底", datetime.date(2024, 5, 31)),
        ("集满30个赞送奶茶，活动日期4.20-4.30", "4.20-4.30", datetime.date(2024, 4, 30)),
        ("集满30个赞送奶茶，五一期间有效", "五一期间", None),
        ("凭截图在活动当日发送到公众号，即可领取礼品", "活动当日", None),
    ],
)
def test_deadline_forms_dated_from_the_reference_date(text, span, day):
    t = parse_terms(text, reference_date=REF)
    assert t.deadline_text is not None and span in t.deadline_text, t.deadline_text
    assert t.deadline == day


def test_lunar_day_without_a_reference_date_is_kept_as_text():
    t = parse_terms("集满30个赞送月饼一盒，截止农历八月十五")
    assert (t.deadline_text, t.deadline) == ("农历八月十五", None)


@pytest.mark.parametrize(
    "text",
    [
        "4月底，记者在朋友圈看到集满30个赞送奶茶的活动",
        "春节期间，朋友圈里集满30个赞送奶茶的活动很多",
        "活动当天，现场集满30个赞的市民排起长队",
        "这家店的集赞活动持续了3天",
        "从周一到周日，店里都在搞集满30个赞送奶茶",
        "中秋节快乐！集满30个赞送月饼",
    ],
)
def test_dates_in_narrative_are_not_deadlines(text):
    t = parse_terms(text, reference_date=REF)
    assert (t.deadline_text, t.deadline) == (None, None)


def test_a_later_step_of_taking_part_ends_the_activity_but_a_redemption_window_does_not():
    steps = parse_terms(
        "参与时间：4月1日-4月10日\n登记时间：4月15日前\n抽奖时间：4月20日", reference_date=REF
    )
    assert steps.deadline == datetime.date(2024, 4, 15)
    redeem = parse_terms(
        "活动时间：4月1日-4月10日\n兑奖期限：4月30日前\n集满30个赞送奶茶", reference_date=REF
    )
    assert redeem.deadline == datetime.date(2024, 4, 10)


# --- place ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("集满30个赞即可到万达广场3楼星巴克领取咖啡一杯", "万达广场3楼星巴克"),
        ("集满30个赞凭截图到解放路128号本店领取鸡蛋一盒", "解放路128号本店"),
        ("集满30个赞，凭截图到本店前台领取", "本店前台"),
        ("提交链接后等待审核；也可加微信 x 沟通。", "微信 x"),
        ("再到富及第指定表單登錄,即可參與抽現金", "富及第指定表單"),
        ("补贴最迟24小时内到账⏎请注意查看您的微信钱包".replace("⏎", "\n"), "微信钱包"),
        ("集满30个赞后私信小编领取", "私信小编"),
        ("集满30个赞，联系客服领取", "客服"),
        ("集满30个赞，截图后在公众号回复“集赞”领取", "公众号"),
        ("集满30个赞的朋友，凭截图来店兑换", "来店"),
    ],
)
def test_place_forms(text, place):
    assert parse_terms(text).place == place


# --- tiers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("集满三十个赞送奶茶一杯，集满五十个赞送蛋糕一个", [(30, "奶茶一杯"), (50, "蛋糕一个")]),
        (
            "10个赞：纸巾一包\n30个赞：雨伞一把\n50个赞：保温杯一个",
            [(10, "纸巾一包"), (30, "雨伞一把"), (50, "保温杯一个")],
        ),
        ("| 集赞数 | 奖品 |\n| 20 | 钥匙扣 |\n| 50 | 帆布包 |", [(20, "钥匙扣"), (50, "帆布包")]),
        (
            "一等奖（集满100个赞）：电饭煲一台；二等奖（集满50个赞）：保温杯一个",
            [(50, "保温杯一个"), (100, "电饭煲一台")],
        ),
        (
            "集赞满18个送小菜，满28个送啤酒，满38个送烤鱼一条",
            [(18, "小菜"), (28, "啤酒"), (38, "烤鱼一条")],
        ),
    ],
)
def test_tiers_as_lines_tables_and_continued_lists(text, tiers):
    t = parse_terms(text)
    assert [(x.likes, x.gift) for x in t.tiers] == tiers
    assert (t.likes, t.gift) == tiers[0]


@pytest.mark.parametrize(
    ("title", "gift"),
    [
        ("集赞抽iPhone", "iPhone"),
        ("集赞拿大奖", "大奖"),
        ("集赞兑好礼", "好礼"),
        ("转发集赞，好礼相送", "好礼"),
        ("集赞免费吃大餐", "免费吃大餐"),
        ("集赞送礼活动开始啦", None),
        ("集赞抽奖活动", None),
    ],
)
def test_short_titles_name_their_gift_or_none(title, gift):
    assert parse_terms(title).gift == gift
