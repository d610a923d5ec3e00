"""The claim families written from the Advertising Law's wording on 2026-12-03 (afternoon): each
finds its claim in seller copy, and the ordinary sentences that share its words stay clean."""

import pytest

from scanning import default_scanner


@pytest.fixture(scope="module")
def scanner():
    return default_scanner()


CLAIMS = [
    # (text, rule, words of the family's match) — copy a seller or an advertiser would write
    ("纯植物配方，白发变黑，从根养发，一洗见效", "false_ad.efficacy", "从根养发"),
    ("喝这款茶一个月瘦身20斤，不用节食", "false_ad.efficacy", "瘦身20斤"),
    ("坚持喝三个月瘦30余斤，不反弹", "false_ad.efficacy", "瘦30余斤"),
    ("两周甩了8斤，私聊拿货", "false_ad.efficacy", "甩了8斤"),
    ("这款精华让肌龄逆转5岁，立即下单", "false_ad.efficacy", "肌龄逆转5岁"),
    ("逆龄面霜，专柜同款", "false_ad.efficacy", "逆龄"),
    ("空气消毒机，新冠病毒抑制率>77%", "false_ad.efficacy", "抑制率>77%"),
    ("康复脑梗，中风偏瘫站起来", "false_ad.efficacy", "康复脑梗"),
    ("本品可以理气调中、健脾和胃，加微信", "false_ad.efficacy", "健脾和胃"),
    ("这才几分钟，头发就变黑了", "false_ad.efficacy", "头发就变黑"),
    ("7天去疣，无效可退", "false_ad.efficacy", "7天去疣"),
    ("30秒钟加快全身血液流速", "false_ad.efficacy", "30秒钟加快"),
    ("前往区政府、人民医院仅需5分钟", "false_ad.property", "仅需5分钟"),
    ("穿透力是传统磁性产品几十倍", "false_ad.absolute", "几十倍"),
    ("政信项目背后是政府信用", "false_ad.endorsement", "政府信用"),
    ("保本理财，无其他风险", "false_ad.investment", "无其他风险"),
    ("加入矿池，短时间内即可收益", "false_ad.investment", "短时间内即可收益"),
    ("临江楼盘，自然景观资源无可比拟", "false_ad.absolute", "无可比拟"),
    ("牙痛神器，病发即止，随身携带", "false_ad.efficacy", "病发即止"),
    ("腰椎间盘突出贴三贴，免开刀，不用拄拐杖", "false_ad.efficacy", "不用拄拐杖"),
    ("专治耳鸣耳聋，效果看得见，加微信咨询", "false_ad.efficacy", "专治耳鸣"),
    ("本款净化器除菌率>99.9%，立即下单", "false_ad.efficacy", "除菌率"),
    ("我们的洗衣液去污力比他牌强50%，包邮", "false_ad.absolute", "比他牌强"),
    ("全台唯一电子晶片制冷的冰冷扇，现货速订", "false_ad.absolute", "全台唯一"),
    ("楼盘步行3分钟到地铁站，名额有限", "false_ad.property", "步行3分钟"),
    ("理财新品年化收益高达18%，即投即计息", "false_ad.investment", "即投即计息"),
    ("由中国人民银行授权发行的纪念币套装，限量发售", "false_ad.endorsement", "人民银行授权"),
]


@pytest.mark.parametrize("text,rule,words", CLAIMS)
def test_the_claim_is_found(scanner, text, rule, words):
    r = scanner.scan(text)
    assert "false_ad" in r.categories, (text, [(f.matched, f.rule, f.stance) for f in r.suppressed])
    assert any(f.rule == rule and words in f.matched for f in r.findings), [
        (f.matched, f.rule) for f in r.findings
    ]


def test_figures_read_through_separators_between_digits(scanner):
    for text, words in (
        ("喝这款茶一个月瘦身2-0斤，包邮到家", "瘦身2-0斤"),
        ("除菌率9-9.. 9%，立即下单", "除菌率"),
    ):
        assert any(words in f.matched for f in scanner.scan(text).findings), text


# news paragraphs of the ordinary clean lines (data/ordinary) that the families flagged before
# they were narrowed: 预防感冒 in relief work, 减了两公斤 in a memoir, 历史上第一位, 节约85%
ORDINARY_LINES = [
    "peoples_daily_199801:11235",
    "peoples_daily_199801:8155",
    "peoples_daily_199801:4540",
    "peoples_daily_199801:17757",
]


@pytest.fixture(scope="module")
def ordinary():
    from tests.scanning.corpus import load_ordinary

    return {it["id"]: it["text"] for it in load_ordinary()}


@pytest.mark.parametrize("line", ORDINARY_LINES)
def test_ordinary_news_stays_clean(scanner, ordinary, line):
    assert "false_ad" not in scanner.scan(ordinary[line]).categories


def test_a_lawful_toothpaste_claim_is_no_disease_claim(scanner):
    # 减轻口臭 is an efficacy a toothpaste may claim: 去 is no one-character relief verb
    text = "苏州绿叶爱生活牙膏清新口气就用天然海藻牙膏120g去口臭清新口气"
    assert "false_ad" not in scanner.scan(text).categories


@pytest.mark.parametrize("text", ["改革开放前，这里的经济水平历史倒退50年", "时光倒流，回到童年"])
def test_years_in_ordinary_sentences_are_no_age_claim(scanner, text):
    assert "false_ad" not in scanner.scan(text).categories, text


@pytest.mark.parametrize(
    "text,rule,article",
    [
        ("本产品已申请国家专利，加微信订购", "false_ad.patent", "第十二条"),
        ("专利申请中，仿冒必究", "false_ad.patent", "第十二条"),
        ("诚心建议每个孕妇都应该吃，私聊下单", "false_ad.efficacy", "第十八条"),
        ("本酒舒筋活血，每天一杯，包邮", "false_ad.liquor", "第二十三条"),
    ],
)
def test_articles_twelve_eighteen_and_twenty_three(scanner, text, rule, article):
    found = [f for f in scanner.scan(text).findings if f.rule == rule]
    assert found and article in found[0].legal_basis, text


@pytest.mark.parametrize(
    "text",
    ["华为去年已申请专利5000多项", "每个人都应该吃早餐", "住酒店能缓解旅途的疲劳", "喝酒伤肝"],
)
def test_the_three_articles_leave_ordinary_sentences_clean(scanner, text):
    assert "false_ad" not in scanner.scan(text).categories, text


def test_a_notice_that_imitators_will_be_pursued_hides_no_offer(scanner):
    assert "counterfeit" in scanner.scan("高仿LV包包一比一，仿冒必究").categories


@pytest.mark.parametrize(
    "text",
    [
        "只是前台服务唯一不足的是早餐太简单",  # a review's one complaint
        "打开光驱不便",  # 开光 across two words
        "认识早期道教的产生发展极为有用",  # 生发 across two words
        "石家庄机场跑道延长工程通过验收",  # 过验 across two words
        "人民大会堂里灯火辉煌，充满欢乐祥和的气氛",  # an institution named in news
        "党和国家领导人出席了晚会",
    ],
)
def test_ordinary_sentences_that_held_a_lexicon_word_stay_clean(scanner, text):
    assert not set(scanner.with_model(None).scan(text).categories) & {"false_ad", "counterfeit"}


@pytest.mark.parametrize("text", ["人民大会堂指定用酒，限时特价", "国家领导人专用茶叶，加微信"])
def test_an_institution_beside_a_vouching_word_is_an_endorsement(scanner, text):
    assert "false_ad" in scanner.scan(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "郑州市污水处理厂是国务院淮河流域水污染防治重点工程之一",
        "国家版权局决意增强打击盗版活动的快速反应能力",
    ],
)
def test_policy_and_enforcement_language_is_no_claim(scanner, text):
    assert not set(scanner.with_model(None).scan(text).categories) & {"false_ad", "counterfeit"}


@pytest.mark.parametrize(
    "text", ["他是普通人的几十倍努力", "日本巧虎儿童防蛀牙膏", "医生开了健脾和胃的中药"]
)
def test_the_evening_families_leave_ordinary_sentences_clean(scanner, text):
    assert "false_ad" not in scanner.with_model(None).scan(text).categories, text
