"""Campaign-terms parser: accuracy on the 59 labelled real notices, plus focused examples.

Accuracy rules (also in the ``campaigns.terms`` docstring). A field counts as correct when:

- likes: the predicted int equals the label, or both are None.
- gift: both None; or, after ``core()`` normalisation of both (NFKC, traditional → simplified,
  pinyin glosses / whitespace / punctuation / quotes removed), one contains the other and the
  longer is at most ``GIFT_SLACK`` (4) characters longer than the shorter.
- deadline: when ``deadline_iso`` is labelled, the predicted date equals it; else when
  ``deadline_text`` is labelled, the normalised predicted span contains the labelled one or vice
  versa; else the prediction must be None (no invented deadlines).

Three labelled ISO deadlines have no year in the text: the labellers dated them from the source.
The parser gets the same information through ``reference_date`` (``SOURCE_DATES``); every other
row is parsed without one.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.terms import CampaignTerms, core, normalize, parse_terms
from tests.campaigns import notices

DATA = Path(__file__).parent / "data" / "notices.jsonl"
THRESHOLD = 0.90
# One scoring of the labelled fields, shared with the report tool (tests/campaigns/notices.py).
GIFT_SLACK = notices.GIFT_SLACK
SOURCE_DATES = notices.SOURCE_DATES
CHECKS = {
    field: notices.CHECKS[field] for field in ("likes", "gift", "deadline", "gift_value", "place")
}
GATED = ("likes", "gift", "deadline")
ROWS = notices._read(notices.DEVSET)  # the 59 development notices


@pytest.fixture(scope="module")
def predictions() -> dict[str, CampaignTerms]:
    return {r["id"]: parse_terms(r["text"], reference_date=SOURCE_DATES.get(r["id"])) for r in ROWS}


def test_dataset_is_the_labelled_dev_set():
    assert len(ROWS) == 59
    for r in ROWS:
        for key in ("gift", "place", "deadline_text"):
            assert r[key] is None or r[key] in r["text"], (r["id"], key)
        assert all(c in r["text"] for c in r["conditions"]), r["id"]


def test_per_field_accuracy(predictions, capsys):
    scores: dict[str, float] = {}
    misses: dict[str, list[str]] = {}
    for field, check in CHECKS.items():
        bad = [r["id"] for r in ROWS if not check(predictions[r["id"]], r)]
        scores[field] = 1 - len(bad) / len(ROWS)
        misses[field] = bad
    with capsys.disabled():
        print(f"\ncampaign-terms parser accuracy on {len(ROWS)} real notices:")
        for field, score in scores.items():
            gate = f"(gate {THRESHOLD:.0%})" if field in GATED else "(reported)"
            ok = round(score * len(ROWS))
            print(
                f"  {field:<11} {ok:>2}/{len(ROWS)} = {score:6.1%} {gate}  misses: {misses[field]}"
            )
    for field in GATED:
        assert scores[field] >= THRESHOLD, (field, scores[field], misses[field])


def test_grown_notices_are_labelled_verbatim_with_provenance():
    grown = [r for r in notices.load() if r["id"].startswith("cn-")]
    assert grown, "no grown notices"
    ids = [r["id"] for r in grown]
    assert ids == [f"cn-{i:04d}" for i in range(1, len(grown) + 1)]  # never renumbered
    for r in grown:
        for key in ("gift", "place", "deadline_text"):
            assert r[key] is None or r[key] in r["text"], (r["id"], key)
        assert all(c in r["text"] for c in r["conditions"]), r["id"]
        assert r["source"] and r["source_kind"] in {"news", "repo", "page"}, r["id"]
        for tier in r.get("tiers") or []:
            assert tier["gift"] is None or tier["gift"] in r["text"], (r["id"], tier)


def test_split_is_fixed_by_the_id_hash():
    rows = notices.load()
    assert all(r["split"] == "tuning" for r in rows if r["id"].startswith("cd-"))
    grown = [r for r in rows if r["id"].startswith("cn-")]
    assert all((r["split"] == "frozen") == (notices.id_hash(r["id"]) < 0.70) for r in grown)
    assert notices.is_frozen("cn-0013") and not notices.is_frozen("cn-0001")
    frozen = [r for r in rows if r["split"] == "frozen"]
    assert len(frozen) >= notices.FROZEN_MIN_SHARE * len(rows), (len(frozen), len(rows))


def test_listing_tuning_misses_computes_no_frozen_figure(capsys, monkeypatch):
    parsed = []
    real_predict = notices.predict
    monkeypatch.setattr(
        notices, "predict", lambda row: parsed.append(row["id"]) or real_predict(row)
    )
    notices.main(["--misses"])
    out = capsys.readouterr().out
    assert "tuning split only, no frozen notice scored" in out
    assert "FROZEN" not in out and "never tuned" not in out
    assert parsed and not any(notices.is_frozen(rid) for rid in parsed if rid.startswith("cn-"))


def test_notices_from_the_third_round_record_when_they_were_retrieved():
    for r in notices.load():
        if r["id"].startswith("cn-") and int(r["id"][3:]) >= notices.FIRST_THIRD_ROUND_ID:
            datetime.date.fromisoformat(r["retrieved"])
            assert isinstance(r.get("uncertain", False), bool), r["id"]


# Issue 17's targets on the frozen split. They are not met yet (docs/campaigns.md gives the
# figures), so the test prints both splits and asserts that FROZEN_TARGETS_MET says what is
# measured: meeting the targets fails the test until the flag is turned on, and from then on a
# fall below them fails. No lower threshold stands in for the targets.
FROZEN_TARGETS = {"likes": 0.95, "gift": 0.95, "deadline": 0.95, "place": 0.90}
FROZEN_TARGETS_MET = False


def test_tuning_and_frozen_figures_side_by_side(capsys):
    rows = notices.load()
    preds = {r["id"]: notices.predict(r) for r in rows}
    frozen = notices.figures([r for r in rows if r["split"] == "frozen"], preds)
    met = all(frozen[field] >= target for field, target in FROZEN_TARGETS.items())
    with capsys.disabled():
        print("\ncampaign-terms parser, labelled notices:")
        for line in notices.report_lines(rows):
            print("  " + line)
        targets = ", ".join(f"{f} ≥ {t}" for f, t in FROZEN_TARGETS.items())
        print(f"  frozen targets ({targets}): {'met' if met else 'NOT met'}")
    assert met is FROZEN_TARGETS_MET, frozen


def test_spans_are_verbatim(predictions):
    by_id = {r["id"]: r for r in ROWS}
    for rid, p in predictions.items():
        text = by_id[rid]["text"]
        for span in (p.gift, p.deadline_text, p.place, *p.conditions):
            assert span is None or span in text, (rid, span)


# --- likes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "likes"),
    [
        ("转发集满66个赞送免费体验券", 66),
        ("集赞30个就可免费领取一个世界杯足球", 30),
        ("集滿20個“贊”就送千足金鎖。", 20),
        ("積滿29個贊,就可以優惠價格購買該種車厘子", 29),
        ("在所售的飲料微信廣告中積贊15個(gè),可贈(zèng)送一小件山楂樹(shù)下飲料", 15),
        ("让56个好友评论或者点赞,即可来我行领取时尚柠檬杯一个", 56),
        ("获50位好友‘点赞’即赠送海洋馆门票一张", 50),
        ("转发朋友圈集满48赞即送精美小学生全自动多功能削笔器", 48),
        ("慕斯十周年首发积【攒】，满30个可获得免费慕斯抱枕。", 30),
        ("点赞满5得试吃", 5),
        ("点赞数达到38即可到店领取", 38),
        ("集满三十八个赞送玫瑰一支", 38),
        ("集满一百零八个赞送电饭煲", 108),
        ("并集齐 30个赞，就可以送宝宝拍摄台历一套", 30),
    ],
)
def test_likes_forms(text, likes):
    assert parse_terms(text).likes == likes


def test_tiers_give_the_lowest_threshold_and_its_gift():
    t = parse_terms(
        "集满10个赞免费洗车一次,价值25元;集满20个赞免费打蜡一次,价值180元;"
        "集满50个赞免费漆面封釉一次,价值1600元"
    )
    assert (t.likes, t.gift, t.gift_value) == (10, "洗车一次", Decimal(25))


@pytest.mark.parametrize(
    "text",
    [
        "留言你的观点或点赞，即可获得《骨科行业报告》一份",
        "转发本文至朋友圈并留言，即可参与下方抽奖",
        "我从朋友圈里看到一个点赞送美瞳的活动",
        "本文评论区pick单条评论获赞最多的10名幸运儿，赠送惊喜礼物",
        "第88个赞的朋友送电影票一张",
        "感谢18个赞助商的支持",
    ],
)
def test_no_threshold(text):
    assert parse_terms(text).likes is None


# --- gift and value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gift", "value"),
    [
        (
            "集齐80个点赞就可以免费领取酒店价值168元的西餐自助晚餐券一张,且没有名额限制",
            "西餐自助晚餐券一张",
            168,
        ),
        ("终于集齐 50个赞，换了张面值 100 元的购物卡，喜滋滋开车", "购物卡", 100),
        (
            "积满38个赞参与健康大礼包活动、即可免费领取价值1180元养生调理蚕丝被一床",
            "养生调理蚕丝被一床",
            1180,
        ),
        ("集满78个赞即可免费开通300元的商户认证功能。", "商户认证功能", 300),
        ("满50个赞可获精美礼品一份或者9折优惠二选一", "精美礼品一份", None),
        (
            "为健康点赞，满38个赞，您将获得高原之宝有机全脂奶粉一罐哦！",
            "高原之宝有机全脂奶粉一罐",
            None,
        ),
        ("集合50个点赞即可换取移动公司赠送的1G流量包。", "1G流量包", None),
        ("可获得888元宝。每个代理限领一次", None, None),
    ],
)
def test_gift_and_value(text, gift, value):
    t = parse_terms(text)
    if gift is not None:
        assert t.gift == gift
    assert t.gift_value == (None if value is None else Decimal(value))


def test_gift_value_stated_elsewhere_for_the_same_gift():
    t = parse_terms("点赞送美瞳的活动。为了得到价值228元的美瞳，我集够了108个赞。")
    assert (t.likes, t.gift, t.gift_value) == (108, "美瞳", Decimal(228))


def test_gift_from_prize_list_and_headings():
    assert (
        parse_terms("规则：\n分享朋友圈集满100赞。\n奖品：\n1.键盘一个。\n2.鼠标一个。").gift
        == "键盘一个"
    )
    assert parse_terms("# 授权码获取\n转发公众号文章到朋友圈，集赞38个。").gift == "授权码"
    assert parse_terms("一个世界杯主题的集“贊”可抽獎得蘋果5S手機的活動").gift == "蘋果5S手機"


def test_unnamed_reward_is_none():
    assert parse_terms("转发至朋友圈集满88个赞后，直接截图给机构，领取奖励。").gift is None


# --- deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "iso"),
    [
        ("活动时间是即日起至2014年5月31日。", "即日起至2014年5月31日", "2014-05-31"),
        (
            "1.2016年5月25日至2016年6月25日用户通过微信分享",
            "2016年5月25日至2016年6月25日",
            "2016-06-25",
        ),
        (
            "本次内测时间**2025年5月7日-2025年7月7日**，时间之内",
            "2025年5月7日-2025年7月7日",
            "2025-07-07",
        ),
        (
            "最终以2021年9月19日23:59:59活动结束前收到的截图为准",
            "2021年9月19日23:59:59",
            "2021-09-19",
        ),
        ("活动截止2024-05-01", "2024-05-01", "2024-05-01"),
        ("截止日期：2024/5/1 24:00", "2024/5/1 24:00", "2024-05-01"),
        ("抽奖截止时间：12月19日12:00", "12月19日12:00", None),
        ("在11月28~30日期间", "11月28~30日", None),
        ("当日24点前累计得到50个赞", "当日24点前", None),
        ("當日5點(diǎn)前就可以在本超市領(lǐng)取", "當日5點(diǎn)前", None),
        ("即日起一个月内集齐38个赞", "即日起一个月内", None),
        ("活动有效期一年啊", "活动有效期一年", None),
        ("3：分享开始48小时内有效。", "分享开始48小时内有效", None),
        ("集满38个赞，5月1日24:00前到店领取", "5月1日24:00前", None),
        ("活动截止5.1，到店领取", "5.1", None),
    ],
)
def test_deadline_forms(text, span, iso):
    t = parse_terms(text)
    assert t.deadline_text is not None and span in t.deadline_text
    assert (t.deadline.isoformat() if t.deadline else None) == iso


def test_reference_date_dates_yearless_and_relative_deadlines():
    ref = datetime.date(2024, 4, 24)  # a Wednesday
    assert parse_terms("截止5月1日", reference_date=ref).deadline == datetime.date(2024, 5, 1)
    assert parse_terms("截止五月一日", reference_date=ref).deadline == datetime.date(2024, 5, 1)
    t = parse_terms("集满38个赞，本周日前到店领取", reference_date=ref)
    assert (t.deadline_text, t.deadline) == ("本周日前", datetime.date(2024, 4, 28))
    t = parse_terms("即日起至下周六", reference_date=ref)
    assert t.deadline == datetime.date(2024, 5, 4)
    assert parse_terms("当日24点前", reference_date=ref).deadline == ref
    t = parse_terms("活动期间(12月18日—1月8日)", reference_date=datetime.date(2018, 1, 1))
    assert t.deadline == datetime.date(2018, 1, 8)


@pytest.mark.parametrize(
    "text",
    [
        "2014年4月12日,記者參加了一個要求不高的活動",
        "于2月8日前往售楼处领取礼品",
        "领取时间为上午9:00-10:00以及下午14:00-15:00",
        "五月份报名享受8.8折优惠",
        "补贴最迟24小时内到账",
    ],
)
def test_no_invented_deadline(text):
    assert parse_terms(text).deadline_text is None


# --- place, conditions, quantity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("集赞30个就可免费领取一个世界杯足球,凭手机微信可到店领取。", "到店"),
        ("集齐80个点赞后到金谷国际酒店来领取自助餐券", "金谷国际酒店"),
        ("将朋友圈集赞截图发送至美的小蓝公众号后台。", "美的小蓝公众号后台"),
        ("于2月8日前往售楼处领取礼品", "售楼处"),
        ("集满赞将截图发给公众号。", "公众号"),
    ],
)
def test_place(text, place):
    assert parse_terms(text).place == place


def test_conditions_are_short_verbatim_clauses():
    text = (
        "关注公众号转发文章至朋友圈集赞99个赞即可领取十节IT编程课程，还享报名8折优惠，"
        "名额有限，先到先得。"
    )
    t = parse_terms(text)
    assert "名额有限" in t.conditions
    assert "先到先得" in t.conditions
    assert any("关注公众号" in c for c in t.conditions)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("集满38个赞送咖啡一杯，限前50名", 50),
        ("每个时间段各分发20桶油", 20),
        ("每天只有20个名额", 20),
        ("限量100份，送完为止", 100),
        ("集满38个赞送咖啡一杯", None),
    ],
)
def test_quantity_limit(text, limit):
    assert parse_terms(text).quantity_limit == limit


# --- the value object -------------------------------------------------------------------------


def test_to_dict_round_trips_and_is_json_safe():
    t = parse_terms("集满38个赞即可到店领取价值58元的保温杯一个，截止2024年5月1日，限前20名")
    d = t.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["gift_value"] == "58" and d["deadline"] == "2024-05-01"
    assert CampaignTerms.from_dict(d) == t


def test_empty_text():
    assert parse_terms("") == CampaignTerms()
    assert parse_terms("   ").to_dict()["conditions"] == []


def test_normalize_keeps_one_char_per_char_except_glosses():
    assert normalize("積滿29個贊") == "积满29个赞"
    assert normalize("個(gè)") == "个"
    assert normalize("集齐 30个赞") == "集齐30个赞"


# --- robustness -------------------------------------------------------------------------------

_NOTICE_ALPHABET = st.sampled_from(
    list("集积满赞贊個个点送领取价值元截止至月日年前本周日即起内名限额关注截图到店礼品一二三十百")
    + list("0123456789 ,，。:：~-—()（）“”*\n")
    + ["(gè)", "2024年", "5月1日", "38个赞", "价值58元", "免费领取"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NOTICE_ALPHABET, max_size=60).map("".join))
def test_parser_never_raises_and_spans_stay_verbatim(text):
    t = parse_terms(text, reference_date=datetime.date(2024, 4, 24))
    for span in (t.gift, t.deadline_text, t.place, *t.conditions):
        assert span is None or (span and span in text)
    assert CampaignTerms.from_dict(json.loads(json.dumps(t.to_dict()))) == t


# --- structure before phrases (the classes of failure listed in issue 17) --------------------

REF = datetime.date(2024, 4, 24)


def test_gift_on_the_line_after_the_likes_line():
    t = parse_terms("转发文字及图片集满50个赞\n送精美保温杯一个！")
    assert (t.likes, t.gift) == (50, "精美保温杯一个")


def test_gift_named_in_the_title_and_tiers_giving_quantities():
    t = parse_terms("集赞送草莓！\n转发朋友圈，10个赞送半斤、20个赞送一斤，先到先得")
    assert (t.likes, t.gift) == (10, "草莓")
    assert [(x.likes, x.gift) for x in t.tiers] == [(10, "半斤"), (20, "一斤")]


def test_markdown_sections_give_place_and_period():
    t = parse_terms(
        "## 参与规则\n1. 转发本文到朋友圈\n2. 集满38个赞\n## 领取方式\n到店出示截图领取\n"
        "## 活动时间\n5月2日-5月6日",
        reference_date=REF,
    )
    assert (t.likes, t.gift, t.place) == (38, None, "到店")
    assert (t.deadline_text, t.deadline) == ("5月2日-5月6日", datetime.date(2024, 5, 6))


def test_labelled_lines_give_gift_place_and_deadline():
    t = parse_terms(
        "参与规则：转发海报集满28个赞\n奖品：网红抱枕一个\n领取地点：万达广场3楼星巴克\n"
        "活动时间：2024年5月2日至5月6日"
    )
    assert (t.likes, t.gift, t.place, t.deadline) == (
        28,
        "网红抱枕一个",
        "万达广场3楼星巴克",
        datetime.date(2024, 5, 6),
    )


def test_table_rows_are_read_as_labelled_fields():
    t = parse_terms(
        "| 项目 | 规则 |\n| --- | --- |\n| 集赞要求 | 集满 30 个赞 |\n| 奖品 | 保温杯一个 |\n"
        "| 截止时间 | 5月1日 |\n| 领取地点 | 人民路88号小店 |",
        reference_date=REF,
    )
    assert (t.likes, t.gift, t.place) == (30, "保温杯一个", "人民路88号小店")
    assert t.deadline == datetime.date(2024, 5, 1)


def test_traditional_characters_fold_through_the_scanner_normaliser():
    # 鬧 was not in the parser's old 260-pair table; the scanner's zhconv fold knows it
    t = parse_terms("集滿20個讚送鬧鐘一個，截止2024年5月1日")
    assert (t.likes, t.gift, t.deadline) == (20, "鬧鐘一個", datetime.date(2024, 5, 1))
    assert core("鬧鐘一個") == core("闹钟一个")


@pytest.mark.parametrize(
    ("text", "gift"),
    [
        ("转发集满38个赞可获得由某某公司提供的精美雨伞一把", "精美雨伞一把"),
        ("只要累积获得26个赞起,即可获得本公司送出的海南五天四晚游。", "海南五天四晚游"),
        ("一个帖子里宣称只要集满10个“赞”就送她心仪已久的“柠檬水杯”", "柠檬水杯"),
        ("集赞满20个，送《小王子》一本", "《小王子》"),
        ("给本文留言，留言集赞数排名前3的朋友，可获得《高阶 Python 代码精进之路》赠书。", None),
        ("集满30个赞送视频会员月卡一张", "视频会员月卡一张"),
        ("集满30个赞可领取兑换码一个", "兑换码一个"),
        ("【感恩节】晒剁手病诊断报告，集赞赢免单机会", "免单机会"),
        ("按讚數及分享數加總最高者獲得獎金貳仟元及獎狀乙張", "獎金貳仟元及獎狀乙張"),
    ],
)
def test_gift_phrasings(text, gift):
    t = parse_terms(text)
    if gift is None:
        assert t.gift is not None and "高阶 Python 代码精进之路" in t.gift
    else:
        assert t.gift == gift


def test_chances_and_rights_to_take_part_are_not_gifts():
    assert parse_terms("集满赞数就会自动获取抽中的资格啦~").gift is None
    assert parse_terms("集满5个赞，即可参与抽奖。").gift is None


def test_face_value_in_the_gift_name_is_its_value():
    t = parse_terms("集满38个赞,奖18元该超市贵宾卡一张,集满48个赞,奖28元该超市贵宾卡一张;")
    assert (t.likes, t.gift, t.gift_value) == (38, "18元该超市贵宾卡一张", Decimal(18))
    assert [(x.likes, x.gift_value) for x in t.tiers] == [(38, Decimal(18)), (48, Decimal(28))]


def test_yearless_range_takes_the_capture_date_and_weekday_brackets():
    t = parse_terms("活动时间5月2日-5月6日，集满28个赞送玫瑰一支", reference_date=REF)
    assert t.deadline == datetime.date(2024, 5, 6)
    t = parse_terms("投票时间：2025年6月2日(一)早上9點至6月6日(五)下午23點59分止")
    assert t.deadline == datetime.date(2025, 6, 6)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("活动期间内集满28个赞送玫瑰一支", "活动期间内"),
        ("下单后3天内集满28个赞送玫瑰一支", "下单后3天内"),
        ("称在规定时间内集了100个赞,凭微信“集赞”图,可领取一个充电器", "规定时间内"),
    ],
)
def test_vague_deadlines_are_kept_as_text_without_a_date(text, span):
    t = parse_terms(text, reference_date=REF)
    assert t.deadline_text is not None and span in t.deadline_text
    assert t.deadline is None


def test_redemption_window_is_not_a_deadline():
    t = parse_terms("即可在活动时间内到店领取植物油一桶")
    assert t.deadline_text is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("集满38个赞到金谷国际酒店前台领取自助餐券", "金谷国际酒店前台"),
        ("集满38个赞，凭截图到万达店领取", "万达店"),
        ("领取地址：人民路88号\n集满38个赞送纸巾一包", "人民路88号"),
        ("可于当天到该超市服务台领取奖品一份", "该超市服务台"),
        ("最终获赠者请在24小时以内添加我的微信，备注：赠书", "我的微信"),
        ("他参加了钦州诚外城家私城的微信集赞换礼品活动", "钦州诚外城家私城"),
    ],
)
def test_places_named_as_shops_hotels_addresses_and_channels(text, place):
    assert parse_terms(text).place == place


def test_a_place_of_narrative_is_not_a_redemption_place():
    assert (
        parse_terms("王先生通过微信,在一家饮品店参加微信活动,集够38个赞就送自制糕点一个。").place
        is None
    )


def test_every_tier_is_kept_with_its_own_conditions():
    t = parse_terms("集满10个赞送洗车一次；集满20个赞送打蜡一次，需消费满100元")
    assert (t.likes, t.gift) == (10, "洗车一次")
    assert [(x.likes, x.gift, x.conditions) for x in t.tiers] == [
        (10, "洗车一次", ()),
        (20, "打蜡一次", ("需消费满100元",)),
    ]
    assert CampaignTerms.from_dict(json.loads(json.dumps(t.to_dict()))) == t


def test_slash_tiers_share_one_gift_phrase():
    t = parse_terms("集满 30/60/100 及以上赞，分别赠送 1/2/3 个月会员资格。")
    assert t.likes == 30
    assert [x.likes for x in t.tiers] == [30, 60, 100]


def test_a_raised_threshold_is_not_a_tier():
    t = parse_terms("为了得到价值228元的美瞳，我集够了108个赞。商家说要集够128个赞才行。")
    assert (t.likes, t.tiers) == (108, ())


def test_added_purchase_condition_is_a_condition():
    assert "需另购任意产品" in parse_terms("集满38个赞送咖啡一杯，需另购任意产品").conditions


def test_one_threshold_terms_serialise_as_before_tiers_existed():
    d = parse_terms("集满38个赞送咖啡一杯").to_dict()
    assert "tiers" not in d
    stored = {"likes": 10, "gift": "洗车一次", "conditions": []}  # written before tiers existed
    assert CampaignTerms.from_dict(stored).tiers == ()


# --- wordings read since the notices grew to 134 (fourth round) --------------------------------
# Each case is a class of notice wording, found on the tuning notices or written as a probe of
# how notices are worded, with the narrative look-alikes that must stay unread.

FOURTH_REF = datetime.date(2024, 4, 20)


@pytest.mark.parametrize(
    ("text", "likes"),
    [
        ("集齐50个Like即送雪糕一杯！", 50),
        ("將海報轉發至朋友圈並獲得20個以上點讚，即可獲得門票一張", 20),
        ("集满赞30个就可以参加抽奖，奖品为电视机", 30),
        ("赞数满30的用户可以获得积分奖励100分", 30),
        ("集赞目标：30个\n奖品：定制雨伞", 30),
        ("需要集赞数：50\n礼品名称：儿童水杯", 50),
        ("只要有30个赞就送奶茶一杯", 30),
        # narrative counts and progress messages are not thresholds
        ("还差3个赞就可以领取保温杯啦", None),
        ("她朋友圈有88个赞", None),
        ("记者看到，该帖子已有2000多个赞", None),
        ("点赞数：13841", None),
        ("她集满赞，10名顾客已在店外排队", None),
    ],
)
def test_likes_written_in_english_labelled_or_as_a_count_held(text, likes):
    assert parse_terms(text).likes == likes


@pytest.mark.parametrize(
    ("text", "gift"),
    [
        # a long book title in 《》
        (
            "特赠送上述介绍的《Spring Cloud微服务-全栈技术与案例解析介绍》图书12本",
            "《Spring Cloud微服务-全栈技术与案例解析介绍》",
        ),
        # a giving verb without an object refers back to the title named before it
        (
            "新书《团队正能量——带队伍就是带人心》，关注并转发微博，即有机会获赠，共十本。",
            "《团队正能量——带队伍就是带人心》",
        ),
        # the reward as the subject of its payment
        ("由于活动量巨大\n补贴最迟24小时内到账", "补贴"),
        # the gift before its verb
        ("集满80个赞，价值168元的自助餐券就能免费领", "自助餐券"),
        ("集满20个赞，奶茶一杯免费喝", "奶茶一杯"),
        ("集满30个赞，一份精美小礼品等你拿", "精美小礼品"),
        ("转发朋友圈集满20个赞，现金红包10元直接发", "现金红包10元"),
        # free services, money off or back, the right to buy cheaply
        ("朋友圈集满38个赞，凭截图即可免单一次", "免单一次"),
        ("集满66个赞的家长，孩子可免费参加夏令营一天", "夏令营一天"),
        ("集满99个赞抵扣房款1万元", "房款1万元"),
        ("点赞满100，返现50元", "50元"),
        ("集满16个赞，就可以8.8元抢购价值68元的蛋糕", "8.8元抢购价值68元的蛋糕"),
        # a giver's modifier and a named chance
        ("集满12个赞，即可获得我们精心准备的新年礼物一份", "新年礼物一份"),
        ("集满68个赞即可获得一次免费美甲的机会", "一次免费美甲"),
        # a threshold labelling its gift with = or an arrow; words spaced out as on a poster
        ("【福利】集赞20个=免费试听2节课", "免费试听2节课"),
        ("集赞满 30 → 送保温杯", "保温杯"),
        ("集满30个赞 送 保温杯", "保温杯"),
        # the winners of a draw are not the gift; the first prize of a ranking is
        ("抽取3位读者，每人送出《深度学习》一本", "《深度学习》"),
        ("随机抽取3位幸运读者，各送出价值99元的课程一门", "课程一门"),
        ("活动奖品\n一等奖（1名）：Kindle一台\n二等奖（3名）：机械键盘一个", "Kindle一台"),
        ("奖品设置：\n第一名：500元现金\n第二名：300元现金", "500元现金"),
        ("按点赞数评出一二三等奖，奖品分别为：电饭煲、电水壶、保温杯", "电饭煲"),
        # not gifts: a bare verb, a chance to draw
        ("集满20个赞免费喝", None),
        ("集满赞数就会自动获取抽中的资格啦", None),
    ],
)
def test_gift_wordings_of_the_fourth_round(text, gift):
    assert parse_terms(text).gift == gift


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("关注并转发该微博，开业当日到店即可获得小礼品一份", "到店"),
        ("活動期間集滿30個讚，憑截圖至門市兌換小菜一份", "門市"),
        ("集满30个赞送水杯，领取地点：人民路88号二楼", "人民路88号二楼"),
        ("集满30个赞送水杯，凭截图到店领取时请出示", "到店"),
        # the consumer's errand in a report is not the notice's place
        ("余女士集夠“贊”后到商家處領取時,卻被告知卡片已發完。", None),
        ("她集满赞后到店领取时,店员却说活动结束了", None),
    ],
)
def test_place_wordings_of_the_fourth_round(text, place):
    assert parse_terms(text).place == place


@pytest.mark.parametrize(
    ("text", "deadline_text", "deadline"),
    [
        ("集满30个赞送水杯，活动仅限3天", "活动仅限3天", datetime.date(2024, 4, 23)),
        ("集满30个赞送水杯，即日起至五一", "即日起至五一", datetime.date(2024, 5, 1)),
        ("集满30个赞送水杯，即日起—5月1日", "即日起—5月1日", datetime.date(2024, 5, 1)),
        ("集满30个赞送水杯，活动持续至5月5日", "5月5日", datetime.date(2024, 5, 5)),
        ("集满30个赞送水杯，5.6前有效", "5.6前", datetime.date(2024, 5, 6)),
        ("满5.6元包邮，集满30个赞送水杯", None, None),
    ],
)
def test_deadline_wordings_of_the_fourth_round(text, deadline_text, deadline):
    t = parse_terms(text, reference_date=FOURTH_REF)
    assert (t.deadline_text, t.deadline) == (deadline_text, deadline)


# --- wordings read in the fifth round (the notices grown to 140) -------------------------------
# Written as probes of the notice structures issue 17 names (the tuning split had no miss left),
# each with the look-alikes that must stay unread.


@pytest.mark.parametrize(
    ("text", "gift"),
    [
        # the threshold's line ends in a giving verb without an object: the gift is on a later line
        ("点赞满50即可领取\n价值99元的护肤小样套装\n数量有限 先到先得", "护肤小样套装"),
        ("點讚滿50即可領取\n價值99元的護膚小樣套裝", "護膚小樣套裝"),
        ("集赞满20个\n即可领取\n精美水杯一个", "精美水杯一个"),
        ("集满10个赞\n赠送\n精美钥匙扣一个", "精美钥匙扣一个"),
        ("集满18个赞即送：\n1. 精美帆布袋一个\n2. 品牌笔记本一本", "精美帆布袋一个"),
        # the gift named with 送出 and a sponsor before the threshold, which only says 即可领取
        ("本次活动将送出由XX银行提供的定制雨伞100把，集满30个赞即可领取", "定制雨伞100把"),
        # a label after the verb is not part of the gift
        ("集满38个赞，添加客服微信x领取奖品：精美台历一本", "精美台历一本"),
        # an edition belongs to the title in 《》 (a bare count after it does not)
        ("集满88个赞，即可获得《小王子》精装版一本", "《小王子》精装版一本"),
        ("凡集满88个赞的朋友均可获赠由某某书店提供的新书《活着》签名版一本", "《活着》签名版一本"),
        ("集赞满20个，送《小王子》一本", "《小王子》"),
        # a giver after 由 may be long; a gift never starts with 的
        (
            "集满30个赞，即可获得由中国建设银行某某分行与某某科技有限公司联合提供的精美礼品一份",
            "精美礼品一份",
        ),
        ("集赞满50个赠送由本店特别定制的周年纪念杯一个", "周年纪念杯一个"),
        # a table whose header names the prize column: the cell below it is the gift
        ("| 奖品 | 数量 |\n| --- | --- |\n| 蓝牙耳机 | 10 |\n集满50个赞即可参与", "蓝牙耳机"),
        # a plain line that is only a section title labels the line below it
        ("奖品展示\n小米充电宝一个\n（以上奖品仅限点赞前10名）", "小米充电宝一个"),
        # the first prize and its count without a colon; the count of winners is not a gift
        ("奖项设置\n一等奖 1名 价值299元的蓝牙音箱\n二等奖 3名 价值99元的保温杯", "蓝牙音箱"),
        ("活动奖品\n① 一等奖（1名）：Switch游戏机\n② 二等奖（2名）：AirPods", "Switch游戏机"),
        # a report's errand after the threshold is not a gift; the gift named with 集赞送 is
        ("市民张女士参加了一家蛋糕店“集赞送蛋糕”的活动，集满了50个赞后到店领取", "蛋糕"),
        # the post that announced the gift is not part of it
        ("他看到朋友圈里一则集赞换电影票的消息，按要求集够了30个赞。", "电影票"),
        # a title names the gift before a strong verb; the bracket closing the verb is set aside
        ("【免费领】网红保温杯等你来拿！\n活动规则：转发此文至朋友圈，集满38个赞", "网红保温杯"),
        ("🎁集赞有礼🎁 精美台历免费领\n集满30个赞即可", "精美台历"),
        ("送！送！送！iPhone15等你拿\n点赞数最高的前1名获得", "iPhone15"),
        # 免费拿到: the verb is 拿到, not 拿
        ("求赞！满30个赞就能免费拿到一箱苹果", "一箱苹果"),
        # 一个 before a duration is part of the gift (一份 in front is not)
        ("某健身房发布消息称，集满88个赞可免费获得一个月健身卡", "一个月健身卡"),
        # a verb, a connector or a colon alone names no gift
        ("活动截止时间为5月10日24:00，集满30个赞即可兑换", None),
        ("集满30个赞即可领取", None),
        ("集满18个赞即送：", None),
    ],
)
def test_gift_wordings_of_the_fifth_round(text, gift):
    assert parse_terms(text).gift == gift


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a WeChat id ends where the Chinese text starts
        ("集满38个赞，添加客服微信x领取奖品：精美台历一本", "客服微信x"),
        ("加微信 abc123 领取", "微信 abc123"),
        # a shop named with a floor, where the screenshot is shown
        (
            "集满66个赞到万达广场B1层星巴克门店出示截图，即可领取中杯咖啡一杯",
            "万达广场B1层星巴克门店",
        ),
        ("集满30个赞，凭截图到XX酒店大堂前台领取自助晚餐券一张", "XX酒店大堂前台"),
        ("转发此文至朋友圈，集满38个赞，截图发送至后台即可", "后台"),
        # a connector before the verb is not part of the place; 私訊 folds to 私讯
        ("分享貼文並集滿50個讚，憑畫面至門市櫃檯即可兌換飲料一杯", "門市櫃檯"),
        ("分享此貼文並累積30個讚\n截圖私訊小編\n即可獲得精美小禮物乙份", "私訊小編"),
    ],
)
def test_place_wordings_of_the_fifth_round(text, place):
    assert parse_terms(text).place == place


@pytest.mark.parametrize(
    ("text", "deadline_text", "deadline"),
    [
        # a start date and a length give the last day (counted inclusively)
        (
            "活动时间：5月1日起，为期7天。集满20个赞送水果拼盘一份",
            "5月1日起，为期7天",
            datetime.date(2024, 5, 7),
        ),
        (
            "4月28日开始，活动持续一周，集满30个赞送鲜花",
            "4月28日开始，活动持续一周",
            datetime.date(2024, 5, 4),
        ),
        (
            "2024年5月1日起为期一个月，集赞满30个送洗车一次",
            "2024年5月1日起为期一个月",
            datetime.date(2024, 5, 31),
        ),
        ("集齊100個Like即送現金券一張，優惠期至6月30日。", "6月30日", datetime.date(2024, 6, 30)),
        # a month's end with its year written needs no capture date
        (
            "集满20个赞送饮料，活动时间为即日起至2024年5月底",
            "至2024年5月底",
            datetime.date(2024, 5, 31),
        ),
        ("集满20个赞送饮料，活动仅剩最后三天", "活动仅剩最后三天", datetime.date(2024, 4, 23)),
        # the activity's period wins over a draw time stated before it in the same line
        (
            "集满20个赞送饮料，开奖时间：5月25日，活动时间：5月10日-5月20日",
            "5月10日-5月20日",
            datetime.date(2024, 5, 20),
        ),
        ("集满20个赞送奶茶，限本周内", "限本周内", datetime.date(2024, 4, 21)),
        ("集满20个赞送奶茶，活动时间为一个月", "活动时间为一个月", datetime.date(2024, 5, 20)),
        # a period named without a date is kept as text
        ("集满20个赞送奶茶，活动时间：开业当天", "开业当天", None),
        ("活动时间：周年庆期间\n集满20个赞送奶茶", "周年庆期间", None),
        ("集满20个赞送奶茶，活动时间另行通知", None, None),
        # a start alone is not a deadline; a report's past duration does not count
        ("5月1日起，集满20个赞送水果拼盘一份", None, None),
        ("5月1日起，活动持续了3天，集满20个赞送水果", None, None),
        ("市场监管局4月1日起为期一个月的专项整治查处了集满20个赞不兑现的商家", None, None),
    ],
)
def test_deadline_wordings_of_the_fifth_round(text, deadline_text, deadline):
    t = parse_terms(text, reference_date=FOURTH_REF)
    assert (t.deadline_text, t.deadline) == (deadline_text, deadline)


def test_tiers_written_with_a_dash_keep_every_tier():
    t = parse_terms("朋友圈集赞送福利啦\n30赞——精美书签一套\n60赞——帆布袋一个\n100赞——保温杯一个")
    assert [(x.likes, x.gift) for x in t.tiers] == [
        (30, "精美书签一套"),
        (60, "帆布袋一个"),
        (100, "保温杯一个"),
    ]
    assert (t.likes, t.gift) == (30, "精美书签一套")


def test_a_list_begun_with_likes_continues_with_bare_thresholds():
    t = parse_terms("点赞满20可领取5元无门槛券；满50可领10元券；满100可领20元券")
    assert [(x.likes, x.gift) for x in t.tiers] == [
        (20, "5元无门槛券"),
        (50, "10元券"),
        (100, "20元券"),
    ]
    # money off is not a threshold, nor is 满N without a list begun with 赞
    assert parse_terms("集满30个赞送饮料，满200送100").tiers == ()
    assert parse_terms("满50可领10元券").likes is None


def test_a_counted_clause_after_the_threshold_is_its_gift():
    t = parse_terms("集赞30个，小礼品一份；集赞60个，精美台灯一个")
    assert [(x.likes, x.gift) for x in t.tiers] == [(30, "小礼品一份"), (60, "精美台灯一个")]
    # a clause that is an instruction, a quota or a purchase is not a gift
    for text in (
        "集满30个赞，截图发给客服",
        "集满30个赞，限量100份",
        "集满30个赞，仅剩20份",
        "集满30个赞，共计200份",
        "集满30个赞，每人限领1份",
        "集满30个赞，另购饮料一杯",
    ):
        assert parse_terms(text).gift is None, text


def test_a_plain_section_title_is_a_heading_only_when_it_names_a_section():
    t = parse_terms(
        "活动时间\n即日起至5月15日\n集满28个赞送精美礼品一份", reference_date=FOURTH_REF
    )
    assert (t.deadline_text, t.gift) == ("即日起至5月15日", "精美礼品一份")
    # an ordinary short line is not a section title
    assert parse_terms("快来参加吧\n集满28个赞送帆布袋一个").gift == "帆布袋一个"


def test_a_line_labelled_as_the_prize_wins_over_a_section_named_for_it():
    text = (
        "【集赞领礼品】\n活动对象：所有会员\n参与方式：分享海报至朋友圈\n集赞要求：30个\n"
        "奖品内容：定制帆布包1个\n领取时间：每周六上午9:00-11:00\n领取地点：社区服务中心"
    )
    t = parse_terms(text)
    assert (t.likes, t.gift, t.place) == (30, "定制帆布包1个", "社区服务中心")
    # a prize section's own lines still name the prize
    assert parse_terms("奖品\n一等奖：Kindle一台\n二等奖：保温杯").gift == "Kindle一台"


def test_a_key_value_table_keeps_its_first_cell_as_the_label():
    t = parse_terms("| 项目 | 规则 |\n| --- | --- |\n| 奖品 | 定制雨伞 |\n| 集赞 | 满30个赞 |")
    assert (t.likes, t.gift) == (30, "定制雨伞")


def test_a_draw_time_alone_is_still_the_deadline():
    t = parse_terms("集满20个赞即可参与抽奖，开奖时间：5月25日", reference_date=FOURTH_REF)
    assert (t.deadline_text, t.deadline) == ("5月25日", datetime.date(2024, 5, 25))


def test_a_month_end_with_its_year_is_dated_without_a_capture_date():
    t = parse_terms("集满20个赞送饮料，截止至2024年5月底")
    assert t.deadline == datetime.date(2024, 5, 31)
    # a report's dated statistic is not a deadline
    for text in (
        "截至2023年1月底，黑猫投诉平台累计收到消费者有效投诉超1246万件",
        "截至2025年5月底，全国市场监管部门共查处违法广告案件14315件",
    ):
        assert parse_terms(text).deadline_text is None, text


def test_a_start_and_a_length_without_a_capture_date_keep_the_text_only():
    t = parse_terms("5月1日起，为期7天，集满20个赞送水果拼盘一份")
    assert (t.deadline_text, t.deadline) == ("5月1日起，为期7天", None)


# --- gift wordings of the sixth round (generalising the gift reader) ----------------------------
# Probes of gift grammar rather than of any notice: a deictic object (以下奖品：) refers to the
# first item below it; an object wrapped in brackets after the verb; a remark in brackets is not
# the object; a line that only labels the prize; the first prize with a bare count of winners;
# option letters (A. …); the values of several ranks before one gift; a ticket for the draw.


@pytest.mark.parametrize(
    ("text", "gift"),
    [
        ("集满30个赞即可获得以下奖品：\n1. 保温杯一个\n2. 帆布袋一个", "保温杯一个"),
        ("集满20个赞，奖品如下：\n- 精美台灯一个", "精美台灯一个"),
        ("集满20个赞，送(抱枕一个)", "抱枕一个"),
        ("集滿20個讚送（定制抱枕一個）", "定制抱枕一個"),
        ("集满20个赞送(数量有限)精美台历一本", "精美台历一本"),
        ("🎁活动奖品\n精美保温杯一个", "精美保温杯一个"),
        ("本期礼品：\n- 帆布包一个\n- 笔记本一本", "帆布包一个"),
        ("一等奖1名：蓝牙耳机1副\n二等奖3名：充电宝1个", "蓝牙耳机1副"),
        ("一等奖 3位：扫地机器人一台", "扫地机器人一台"),
        ("集满30个赞送：A. 雨伞一把 B. 水杯一个（二选一）", "雨伞一把"),
        ("集满30个赞送：\nA. 雨伞一把\nB. 水杯一个", "雨伞一把"),
        ("点赞最多的前三名，将分别获得价值100元、50元、30元的购物卡", "购物卡"),
        ("累積按讚數達30即可獲得抽獎券1張", "抽獎券1張"),
        # look-alikes that stay unread: a remark alone, a label with no item, a draw, a count
        ("集满20个赞送(限前50名)", None),
        ("集满20个赞，奖品如下：\n活动时间5月1日", None),
        ("活动奖品\n活动时间：5月1日至5月3日", None),
        ("集满30个赞即可参与抽奖", None),
        ("集满30个赞获得抽奖机会", None),
        ("一等奖1名", None),
    ],
)
def test_gift_wordings_of_the_sixth_round(text, gift):
    assert parse_terms(text).gift == gift


# Seventh round: wordings of share-to-win draws the tuning notices showed and probes built from
# their grammar — a sponsor's @mention before the gift and a draw tool's after it, winners counted
# in Chinese numerals or as 人, 有机会得, an offer of counted gifts (愿意出 / 奉上), a treat
# (请大家喝…), the first prize with its count of winners in brackets after it, a draw verb
# followed by 送出 — each with look-alikes that stay unread.
@pytest.mark.parametrize(
    ("text", "gift", "value"),
    [
        ("转发本条，奖品为@某某烘焙 手工曲奇一盒。", "手工曲奇一盒", None),
        ("关注并转发，我们将抽取3位粉丝送出@某某茶饮 奶茶券一张", "奶茶券一张", None),
        ("抽取3位粉丝送出奶茶券一张", "奶茶券一张", None),
        ("转发抽一人送100元礼物@微博抽奖平台", "100元礼物", Decimal("100")),
        ("转发抽两位送保温杯@转发抽奖平台", "保温杯", None),
        ("转发本微博抽三名粉丝送电影票2张", "电影票2张", None),
        ("关注并转发，就有机会得精美台历一本", "精美台历一本", None),
        ("转发扩散，我们愿意出3份年货礼盒，每份价值299元", "3份年货礼盒", Decimal("299")),
        ("随机抽取一位幸运粉丝，奉上价值199元的会员卡哦", "会员卡", Decimal("199")),
        ("转发+评论，我请大家喝奶茶！抽3位", "奶茶", None),
        ("我请客吃墨绿色的糖 转发+评论即可,抽到奇怪的人会重抽", "墨绿色的糖", None),
        ("关注并转发，一等奖 品牌双肩包(1名) 二等奖 帆布袋(3名)", "品牌双肩包", None),
        ("一等獎 蓝牙耳机（2名） 二等獎 数据线（5名）", "蓝牙耳机", None),
        ("就有机会获得中国移动30元充值卡一张!", "中国移动30元充值卡一张", Decimal("30")),
        # look-alikes
        ("抽到一个奇怪的人，真倒霉", None, None),
        ("抽中的人请私信", None, None),
        ("请大家注意安全", None, None),
        ("他献上一束鲜花", None, None),
        ("以便奉上我们的礼品表达我们的歉意", None, None),
        ("愿意出力帮忙", None, None),
        ("一等奖 3名", None, None),
        ("联系@客服小美 咨询", None, None),
    ],
)
def test_gift_wordings_of_the_seventh_round(text, gift, value):
    terms = parse_terms(text)
    assert (terms.gift, terms.gift_value) == (gift, value)


# A draw date: a date followed by the draw (开奖, 开, 抽取, 公布中奖…) or by 送出 ends the activity;
# of several, the last; a dotted date only with its verb (12.5元 is a price).
@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("转发+评论即可,11月2号开@转发抽奖平台 不过50我就黑箱", datetime.date(2018, 11, 2)),
        ("关注转发，6月15日中午12:00@微博抽奖平台开！", datetime.date(2018, 6, 15)),
        ("抽取十位博士送出礼盒各一套，将于6月12日开奖。", datetime.date(2018, 6, 12)),
        ("我们会在12.4抽取三等奖12.10抽取二等奖12.16抽取一等奖", datetime.date(2018, 12, 16)),
        ("12.5晚20点公布中奖结果！", datetime.date(2018, 12, 5)),
        ("11.27—11.29每天送2台蓝牙耳机;11.30送出小米手机2", datetime.date(2018, 11, 30)),
        # look-alikes: an opening, a premiere, a start, a price
        ("11月29日零点悲情首映！", None),
        ("本店5月1日开业，转发送水杯", None),
        ("3月8日开始报名", None),
        ("12.5元抢购", None),
        ("4月1日开通会员", None),
    ],
)
def test_draw_dates_of_the_seventh_round(text, day):
    assert parse_terms(text, reference_date=datetime.date(2018, 10, 26)).deadline == day


# Eighth round: share-to-win wordings. A counted draw of winners named by any short noun, then the
# giving verb or the treat (also in the next clause); the prize as the subject (大奖不仅有…,
# 奖品就是…); the first prize and its count of winners before a comma; value phrases in Chinese
# numerals or with 万 and 人民币/左右; alternatives sharing one count; where the gift is sold; a
# Latin name with a space. Look-alikes stay unread.
@pytest.mark.parametrize(
    ("text", "gift", "value"),
    [
        ("关注+转发，揪3位朋友送定制帆布袋一个", "定制帆布袋一个", None),
        ("评论区揪2️⃣位宝子送星巴克50元礼品卡", "星巴克50元礼品卡", Decimal("50")),
        ("转发本条，随机抽选2位粉丝送上【限定周边礼盒】", "限定周边礼盒", None),
        ("关注并转发，抽10位管理员喝新品果茶", "新品果茶", None),
        ("转发本微博，我们将抽出3位幸运儿，送上精美台历一本", "精美台历一本", None),
        ("大奖不仅有双人自助餐券一张，还有神秘礼包", "双人自助餐券一张", None),
        ("转发即可参与抽奖，奖品就是蓝牙音箱一台", "蓝牙音箱一台", None),
        ("活动奖品：一等奖1名，投影仪一台；二等奖5名，保温杯一个", "投影仪一台", None),
        (
            "转发本微博，就有机会获赠一台价值五千元人民币左右的扫地机器人",
            "扫地机器人",
            Decimal("5000"),
        ),
        ("转发并@两位好友，即有机会获得价值1.2万元的旅行基金", "旅行基金", Decimal("12000")),
        ("奖品为咖啡体验券或甜品兑换券一张", "咖啡体验券或甜品兑换券一张", None),
        ("关注并@三位好友，将由抽奖免费获得本店中出售的任意一款香薰蜡烛", "任意一款香薰蜡烛", None),
        ("#转发有奖# 年终回馈，10台iPad mini大放送", "10台iPad mini", None),
        # look-alikes: alternatives without a shared count, a remark on the prizes, 168元多…
        ("奖品为咖啡体验券或甜品兑换券", "咖啡体验券", None),
        ("奖品有限，先到先得", None, None),
        ("而且礼品有圈套的", None, None),
        ("集30个赞送价值168元多功能学步车", "多功能学步车", Decimal("168")),
    ],
)
def test_gift_wordings_of_the_eighth_round(text, gift, value):
    terms = parse_terms(text)
    assert (terms.gift and core(terms.gift), terms.gift_value) == (gift and core(gift), value)


# Eighth round: draw dates with an adverb or the draw tool before the verb, 揭晓 and a closing
# 公布, a dotted date before 抽N位, the date a draw is held on; the relative day of a draw
# (明晚/后天/周五/一周后), counted from the reference date; a festival approaching is not a
# deadline. Look-alikes: a weekly draw, 明天开冷气, an opening day.
@pytest.mark.parametrize(
    ("text", "ref", "day"),
    [
        ("2013年6月5日晚8时准时抽奖", None, datetime.date(2013, 6, 5)),
        (
            "转发抽奖，6月25日由@微博抽奖平台 开奖",
            datetime.date(2018, 6, 1),
            datetime.date(2018, 6, 25),
        ),
        (
            "6月1日通过微博抽奖平台抽出幸运粉丝",
            datetime.date(2018, 5, 20),
            datetime.date(2018, 6, 1),
        ),
        ("获奖名单将于7月8日公布。", datetime.date(2018, 7, 1), datetime.date(2018, 7, 8)),
        ("8月3日揭晓", datetime.date(2018, 7, 1), datetime.date(2018, 8, 3)),
        ("关注+转发，5.20抽3位送花", datetime.date(2018, 5, 1), datetime.date(2018, 5, 20)),
        (
            "将于12月1日下午3:30分，在商场一楼中庭举行幸运抽奖",
            datetime.date(2018, 11, 20),
            datetime.date(2018, 12, 1),
        ),
        ("转发本条，明晚8点开奖", datetime.date(2018, 5, 1), datetime.date(2018, 5, 2)),
        ("转发这条，后天抽个粉丝送耳机", datetime.date(2018, 5, 1), datetime.date(2018, 5, 3)),
        ("关注转发，周五开奖", datetime.date(2018, 10, 24), datetime.date(2018, 10, 26)),
        ("转发本条，一周后开奖", datetime.date(2018, 10, 24), datetime.date(2018, 10, 31)),
        (
            "快到圣诞节了，抽一位转发者，截止至12月12日晚上10点",
            datetime.date(2018, 11, 20),
            datetime.date(2018, 12, 12),
        ),
        ("每周抽2位，周三开奖", datetime.date(2018, 10, 24), None),
        ("明天也不行，请明天开冷气行吗", datetime.date(2018, 10, 24), None),
        ("本店将于5月1日开业，届时转发送水杯", datetime.date(2018, 4, 20), None),
        ("快到圣诞节了，转发送小礼物", datetime.date(2018, 11, 20), None),
    ],
)
def test_draw_dates_of_the_eighth_round(text, ref, day):
    assert parse_terms(text, reference_date=ref).deadline == day


def test_a_relative_draw_day_without_a_capture_date_is_kept_as_text():
    terms = parse_terms("转发这条，后天抽个粉丝送耳机")
    assert (terms.deadline, terms.deadline_text) == (None, "后天")


def test_a_closing_bracket_after_the_address_is_not_part_of_the_place():
    assert parse_terms("转发送小礼品，截至12月10日（本店地址：解放路附近）").place == "解放路附近"
