"""Term changes between two snapshots of a campaign, and the deletion rule."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from campaigns.changes import (
    AGAINST_CONSUMER,
    IN_FAVOUR,
    NEUTRAL,
    TermChange,
    compare_terms,
    deletion_is_breach,
)
from campaigns.terms import CampaignTerms, parse_terms

BASE = CampaignTerms(
    likes=38,
    gift="植物油一桶",
    gift_value=Decimal(50),
    deadline_text="2024年5月1日",
    deadline=datetime.date(2024, 5, 1),
    place="到店",
    conditions=("凭手机微信",),
    quantity_limit=None,
)


def one(before: CampaignTerms, after: CampaignTerms) -> TermChange:
    changes = compare_terms(before, after)
    assert len(changes) == 1, changes
    return changes[0]


def test_identical_terms_have_no_changes():
    assert compare_terms(BASE, BASE) == []
    assert compare_terms(CampaignTerms(), CampaignTerms()) == []


def test_traditional_repost_is_not_a_change():
    before = parse_terms("集滿38個贊就送自制糕點一個,限前20名")
    after = parse_terms("集满38个赞就送自制糕点一个，限前20名")
    assert compare_terms(before, after) == []


# --- likes ------------------------------------------------------------------------------------


def test_likes_raised_is_against_consumer():
    c = one(BASE, replace(BASE, likes=88))
    assert (c.field, c.before, c.after, c.direction) == ("likes", "38", "88", AGAINST_CONSUMER)
    assert c.explanation == "所需点赞数由38提高到88"


def test_likes_lowered_is_in_favour():
    c = one(replace(BASE, likes=88), BASE)
    assert (c.direction, c.explanation) == (IN_FAVOUR, "所需点赞数由88降低到38")


def test_likes_newly_required_is_against_and_dropped_is_review():
    assert one(replace(BASE, likes=None), BASE).direction == AGAINST_CONSUMER
    c = one(BASE, replace(BASE, likes=None))
    assert (c.direction, c.needs_review) == (NEUTRAL, True)


def test_reported_raise_from_real_notice():
    """cd-003: 集够108个赞 → 被告知要集够128个赞才行."""
    before = parse_terms("为了得到价值228元的美瞳，当天我就按照对方要求集够了108个赞。")
    after = parse_terms("为了得到价值228元的美瞳，要集够128个赞才行。")
    c = one(before, after)
    assert (c.field, c.direction, c.explanation) == (
        "likes",
        AGAINST_CONSUMER,
        "所需点赞数由108提高到128",
    )


# --- gift and value ---------------------------------------------------------------------------


def test_gift_replaced_with_lower_value_is_against():
    after = replace(BASE, gift="洗洁精一瓶", gift_value=Decimal(10))
    c = one(BASE, after)
    assert (c.field, c.direction) == ("gift", AGAINST_CONSUMER)
    assert "50元" in c.explanation and "10元" in c.explanation


def test_gift_replaced_with_higher_value_is_in_favour():
    c = one(BASE, replace(BASE, gift="电饭煲一台", gift_value=Decimal(199)))
    assert (c.field, c.direction) == ("gift", IN_FAVOUR)


def test_gift_replaced_without_values_is_neutral_for_review():
    before = replace(BASE, gift_value=None)
    c = one(before, replace(before, gift="洗衣液一桶"))
    assert (c.field, c.direction, c.needs_review) == ("gift", NEUTRAL, True)


@pytest.mark.parametrize(
    "after_gift", ["植物油试用装", "植物油", "10元抵用券", "8折优惠", "抽奖机会"]
)
def test_gift_downgrade_wording_is_against(after_gift):
    before = replace(BASE, gift_value=None)
    c = one(before, replace(before, gift=after_gift))
    assert c.direction == AGAINST_CONSUMER, c


def test_gift_withdrawn_is_against_and_first_named_is_neutral():
    assert one(BASE, replace(BASE, gift=None)).direction == AGAINST_CONSUMER
    assert one(replace(BASE, gift=None), BASE).direction == NEUTRAL


def test_stated_value_lowered_or_raised():
    c = one(BASE, replace(BASE, gift_value=Decimal(30)))
    assert (c.field, c.before, c.after, c.direction) == ("gift_value", "50", "30", AGAINST_CONSUMER)
    assert c.explanation == "礼品标称价值由50元降低到30元"
    assert one(BASE, replace(BASE, gift_value=Decimal("80.5"))).direction == IN_FAVOUR


def test_value_stated_or_dropped_is_neutral_for_review():
    c = one(BASE, replace(BASE, gift_value=None))
    assert (c.direction, c.needs_review) == (NEUTRAL, True)


# --- deadline ---------------------------------------------------------------------------------


def test_deadline_moved_earlier_is_against():
    after = replace(BASE, deadline_text="4月25日", deadline=datetime.date(2024, 4, 25))
    c = one(BASE, after)
    assert (c.field, c.before, c.after, c.direction) == (
        "deadline",
        "2024-05-01",
        "2024-04-25",
        AGAINST_CONSUMER,
    )
    assert c.explanation == "截止日期由2024-05-01提前到2024-04-25"


def test_deadline_moved_later_is_in_favour():
    """cd-037: a README moved the test period's end from 6月7日 to 7月7日."""
    before = parse_terms("本次内测时间2025年5月7日-2025年6月7日，时间之内，均可申请内测。")
    after = parse_terms("本次内测时间2025年5月7日-2025年7月7日，时间之内，均可申请内测。")
    c = one(before, after)
    assert (c.field, c.direction) == ("deadline", IN_FAVOUR)


def test_deadline_added_is_against_and_removed_is_review():
    no_deadline = replace(BASE, deadline=None, deadline_text=None)
    assert one(no_deadline, BASE).direction == AGAINST_CONSUMER
    c = one(BASE, no_deadline)
    assert (c.direction, c.needs_review) == (NEUTRAL, True)


def test_undated_deadline_wording_change_is_review():
    before = replace(BASE, deadline=None, deadline_text="活动有效期一年")
    after = replace(BASE, deadline=None, deadline_text="即日起一个月内")
    c = one(before, after)
    assert (c.direction, c.needs_review) == (NEUTRAL, True)


# --- conditions, quantity, place --------------------------------------------------------------


def test_condition_added_is_against_and_removed_in_favour():
    """cd-013: a hidden purchase was added at redemption."""
    after = replace(BASE, conditions=("凭手机微信", "需到店消费满15元"))
    c = one(BASE, after)
    assert (c.field, c.after, c.direction) == ("conditions", "需到店消费满15元", AGAINST_CONSUMER)
    assert c.explanation == "新增购买/消费条件：需到店消费满15元（领取礼品须另外花钱）"
    c = one(after, BASE)
    assert (c.before, c.direction) == ("需到店消费满15元", IN_FAVOUR)


def test_condition_reworded_slightly_is_not_a_change():
    assert compare_terms(BASE, replace(BASE, conditions=("凭手机微信，",))) == []


def test_quantity_limit_added_lowered_raised_removed():
    limited = replace(BASE, quantity_limit=50)
    assert one(BASE, limited).direction == AGAINST_CONSUMER
    c = one(limited, replace(BASE, quantity_limit=20))
    assert (c.direction, c.explanation) == (AGAINST_CONSUMER, "数量限制由50份减少到20份")
    assert one(limited, replace(BASE, quantity_limit=100)).direction == IN_FAVOUR
    assert one(limited, BASE).direction == IN_FAVOUR


def test_place_change_is_neutral():
    c = one(BASE, replace(BASE, place="另一家分店"))
    assert (c.field, c.direction, c.needs_review) == ("place", NEUTRAL, False)


def test_several_changes_come_in_field_order():
    after = replace(BASE, likes=88, quantity_limit=10, place="售楼处")
    assert [c.field for c in compare_terms(BASE, after)] == ["likes", "quantity_limit", "place"]


def test_change_is_json_safe():
    d = one(BASE, replace(BASE, likes=88)).to_dict()
    assert d == {
        "field": "likes",
        "before": "38",
        "after": "88",
        "direction": AGAINST_CONSUMER,
        "explanation": "所需点赞数由38提高到88",
        "needs_review": False,
    }


# --- deletion ---------------------------------------------------------------------------------

CST = datetime.timezone(datetime.timedelta(hours=8))
DEADLINE = datetime.date(2024, 5, 1)


@pytest.mark.parametrize(
    ("observed_at", "breach"),
    [
        (datetime.datetime(2024, 4, 28, 9, 0, tzinfo=CST), True),
        (datetime.datetime(2024, 5, 1, 23, 59, tzinfo=CST), True),  # the deadline day counts
        (datetime.datetime(2024, 5, 2, 0, 1, tzinfo=CST), False),
        # 2024-05-01 17:00 UTC is 2024-05-02 01:00 in China: after the deadline
        (datetime.datetime(2024, 5, 1, 17, 0, tzinfo=datetime.UTC), False),
        (datetime.datetime(2024, 5, 1, 15, 0, tzinfo=datetime.UTC), True),
        (datetime.datetime(2024, 5, 1, 12, 0), True),  # naive = China time
        (datetime.datetime(2024, 6, 1, 12, 0), False),
    ],
)
def test_deletion_against_deadline(observed_at, breach):
    assert deletion_is_breach(deadline=DEADLINE, observed_at=observed_at) is breach


def test_deletion_without_deadline_is_a_breach():
    observed = datetime.datetime(2030, 1, 1, tzinfo=CST)
    assert deletion_is_breach(deadline=None, observed_at=observed) is True


# --- purchase conditions and tiers ------------------------------------------------------------


@pytest.mark.parametrize(
    "added", ["需另购任意产品", "需消费满100元", "另需加购一杯饮品", "需支付邮费"]
)
def test_an_added_purchase_condition_is_named_and_against_the_consumer(added):
    c = one(BASE, replace(BASE, conditions=(*BASE.conditions, added)))
    assert (c.field, c.after, c.direction) == ("conditions", added, AGAINST_CONSUMER)
    assert c.explanation.startswith("新增购买/消费条件：")


def test_an_added_non_purchase_condition_keeps_the_plain_wording():
    c = one(BASE, replace(BASE, conditions=(*BASE.conditions, "名额有限，先到先得")))
    assert (c.direction, c.explanation) == (AGAINST_CONSUMER, "新增条件：名额有限，先到先得")


def test_purchase_condition_added_to_a_notice_is_found_from_the_text():
    before = parse_terms("集满38个赞送咖啡一杯，到店领取")
    after = parse_terms("集满38个赞送咖啡一杯，到店领取，需另购任意产品")
    changes = compare_terms(before, after)
    assert [(c.field, c.after, c.direction) for c in changes] == [
        ("conditions", "需另购任意产品", AGAINST_CONSUMER)
    ]


TIERED = (
    "集满10个赞送洗车一次,价值25元;集满20个赞送打蜡一次,价值180元;集满30个赞送封釉一次,价值380元"
)


def test_a_higher_tier_raised_is_a_tier_change_against_the_consumer():
    before = parse_terms(TIERED)
    after = parse_terms(TIERED.replace("集满20个赞", "集满40个赞"))
    changes = compare_terms(before, after)
    assert [(c.field, c.direction) for c in changes] == [("tiers", AGAINST_CONSUMER)]
    assert changes[0].explanation == "第2档（20赞，打蜡一次）所需点赞数由20提高到40"


def test_a_higher_tier_gift_of_lower_value_is_against_the_consumer():
    before = parse_terms(TIERED)
    after = parse_terms(TIERED.replace("送封釉一次,价值380元", "送洗车券一张,价值30元"))
    (c,) = compare_terms(before, after)
    assert (c.field, c.direction) == ("tiers", AGAINST_CONSUMER)
    assert c.explanation.startswith("第3档（30赞，封釉一次）礼品由")


def test_a_tier_withdrawn_is_against_and_a_tier_added_in_favour():
    before = parse_terms(TIERED)
    after = parse_terms(TIERED.rsplit(";", 1)[0])
    (c,) = compare_terms(before, after)
    assert (c.field, c.before, c.after, c.direction) == (
        "tiers",
        "30赞：封釉一次",
        None,
        AGAINST_CONSUMER,
    )
    (c,) = compare_terms(after, before)
    assert (c.field, c.direction) == ("tiers", IN_FAVOUR)


def test_the_lowest_tier_is_compared_as_before():
    before = parse_terms(TIERED)
    after = parse_terms(TIERED.replace("集满10个赞", "集满15个赞"))
    (c,) = compare_terms(before, after)
    assert (c.field, c.before, c.after, c.direction) == ("likes", "10", "15", AGAINST_CONSUMER)


def test_terms_stored_before_tiers_existed_do_not_make_tier_breaches():
    stored = CampaignTerms.from_dict(
        {"likes": 10, "gift": "洗车一次", "gift_value": "25", "conditions": []}
    )
    changes = compare_terms(stored, replace(parse_terms(TIERED), conditions=()))
    assert [(c.field, c.direction) for c in changes] == [("tiers", NEUTRAL)]
    changes = compare_terms(parse_terms(TIERED), replace(stored, conditions=()))
    assert [(c.field, c.direction, c.needs_review) for c in changes] == [("tiers", NEUTRAL, True)]


def test_a_purchase_condition_stated_for_one_tier_names_the_tier():
    before = parse_terms("集满10个赞送洗车一次；集满20个赞送打蜡一次")
    after = parse_terms("集满10个赞送洗车一次；集满20个赞送打蜡一次，需消费满100元")
    (c,) = compare_terms(before, after)
    assert c.direction == AGAINST_CONSUMER
    assert c.explanation == "第2档（20赞）新增购买/消费条件：需消费满100元（领取礼品须另外花钱）"
