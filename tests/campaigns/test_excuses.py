"""Redemption-refusal excuses. Most examples are the refusals recorded in the dev set's notes."""

import pytest

from campaigns.excuses import EXCUSE_LABELS, excuse_label, find_excuse_spans, find_excuses


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # cd-002, cd-008, cd-022, cd-024, cd-012, cd-014 (as reported)
        ("被告知数量有限,已领完了,让我去另一家店看看", ["out_of_stock", "other_branch"]),
        ("對方告知記者來晚了——牛奶已經送光", ["out_of_stock"]),
        ("商家称礼品已经发放完毕", ["out_of_stock"]),
        ("最后二十几分钟终于有人接了，说预约已满。", ["appointments_full"]),
        ("店员说每天只有20个名额", ["quota_full"]),
        (
            "被告知该活动是针对曾在酒店消费过的客人，不针对学生，名额已满",
            ["not_eligible", "quota_full"],
        ),
        ("被告知这款美瞳领取标准提高，要集够128个赞才行", ["terms_raised"]),
        ("店家说前一天集的赞不算", ["likes_not_counted"]),
        (
            "客服一直不回复，后来说活动已经结束了，我没有中奖",
            ["unreachable", "campaign_ended", "not_won"],
        ),
        ("需要再消费满100元才能领", ["extra_purchase"]),
        ("要买一瓶15元的果酱才给糕点", ["extra_purchase"]),
        ("领取时必须开通借记卡并激活手机银行", ["extra_purchase"]),
        ("卖家要求先发10元红包作为押金", ["extra_fee"]),
        ("库存不足，下次再来吧", ["out_of_stock", "come_back_later"]),
        ("今天忙，改天再来", ["come_back_later"]),
        ("活动取消了", ["campaign_ended"]),
        ("商家却单方面食言终止了活动", ["campaign_ended"]),
    ],
)
def test_recognised_excuses(text, codes):
    assert find_excuses(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "数量有限，送完为止",  # a campaign term, not a refusal
        "名额有限，先到先得",
        "在活动结束之前保留朋友圈",
        "活动结束后，会有专属老师与您联系",
        "礼品还没发完，快来",
        "到店顺利领到了，店员很热情",
        "",
    ],
)
def test_terms_and_negations_are_not_excuses(text):
    assert find_excuses(text) == []


def test_every_code_has_a_chinese_label():
    for code, label in EXCUSE_LABELS.items():
        assert code.isascii() and label and not label.isascii()
        assert excuse_label(code) == label


def test_spans_point_into_the_original_text():
    text = "對方說：禮品已經發完了，改天再來"
    spans = find_excuse_spans(text)
    assert [(m.code, m.text) for m in spans] == [
        ("out_of_stock", "發完了"),
        ("come_back_later", "改天再來"),
    ]
    assert all(text[m.start : m.end] == m.text for m in spans)
