"""Stance per finding, claim families and the brand table, as a reviewer would notice them."""

import pytest

from scanning import default_scanner

OFFER = "高仿LV包包一比一，加微信xxx"


def scan(text):
    return default_scanner().scan(text)


def counted(text):
    return {f.rule for f in scan(text).findings}


@pytest.mark.parametrize("phrase", ["谨防假冒", "假货包退", "温馨提醒：下单前核对地址", "可查真伪"])
def test_a_seller_phrase_with_a_report_word_hides_nothing(phrase):
    for text in (f"{OFFER}，{phrase}", f"{OFFER}。{phrase}。", f"{phrase}。{OFFER}"):
        assert "counterfeit" in scan(text).categories, text


def test_a_report_sentence_governs_only_itself():
    result = scan(f"警方破获一起销售高仿手表案件。{OFFER}。")
    assert result.categories == ("counterfeit",)
    report = [f for f in result.suppressed if f.stance == "report"]
    assert [f.term for f in report] == ["高仿"] and report[0].cue == "警方"
    assert {f.stance for f in result.findings} == {"offer"}
    assert {f.cue for f in result.findings} == {"加微信"}


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("该公司宣称其产品“根治糖尿病”", "report"),
        ("被告人在朋友圈发布“顶级复刻劳力士”的广告", "report"),
        ("“最佳”“第一”“国家级”等用语属于广告法规定的绝对化用语", "law"),
        ("我们不卖高仿，只做正品", "negated"),
        ("本店非A货", "negated"),
        ("我买的包收到后发现是高仿的", "complaint"),
        ("纯 Python 一比一复刻 DeepSeek 的开源运行时", "code"),
        ("中国电影和美国电影的最大差距在于编剧和想象力，但这不仅仅是电影业的问题。", "ordinary"),
    ],
)
def test_findings_that_do_not_make_the_claim_are_suppressed_with_their_cue(text, stance):
    result = scan(text)
    assert result.categories == (), (text, result.findings)
    assert result.suppressed, text
    assert stance in {f.stance for f in result.suppressed}, [
        (f.term, f.stance, f.cue) for f in result.suppressed
    ]
    assert all(f.cue for f in result.suppressed), text
    assert result.score == 0.0


def test_ordinals_and_everyday_superlatives_are_not_claims():
    assert scan("第一、二产业占GDP的比重分别为3.9%、37.1%").categories == ()
    assert scan("上小学时，写作文似乎永远都是《记一件最难忘的事》").categories == ()


@pytest.mark.parametrize(
    ("text", "category", "stance"),
    [
        ("这款面霜是全网最低价", "false_ad", "claim"),
        ("本产品根治糖尿病，三天见效", "false_ad", "offer"),
        ("高仿LV包包 299元 包邮", "counterfeit", "offer"),
        ("“最专业”", "false_ad", "claim"),
    ],
)
def test_claims_and_offers_count(text, category, stance):
    result = scan(text)
    assert category in result.categories, text
    assert stance in {f.stance for f in result.findings}


def test_stance_and_cue_are_in_the_output():
    d = scan("高仿包包，私聊").to_dict()
    f = d["findings"][0]
    assert (f["stance"], f["cue"]) == ("offer", "私聊")
    d = scan("警方查处高仿包包").to_dict()
    assert d["findings"] == [] and d["suppressed"][0]["stance"] == "report"
    assert d["report_cues"] == ["警方"]


def test_brand_price_explains_itself_with_the_public_reference_price():
    (f,) = [f for f in scan("飞天茅台 800元一瓶 包邮").findings]
    assert f.rule == "counterfeit.brand_price"
    assert "¥800" in f.explanation and "1,499" in f.explanation
    cig = scan("专供出口中华烟，免税店正品，280元/条")
    assert "counterfeit" in cig.categories
    assert any("¥280/条" in f.explanation for f in cig.findings)
    # a genuine-looking pack price is not an anomaly
    assert "counterfeit.brand_price" not in counted("软中华 65元一包")


def test_a_brand_price_finding_does_not_hide_a_stronger_finding_inside_it():
    rules = counted("LV 高仿包 299元")
    assert {"counterfeit.brand_price", "counterfeit.replica"} <= rules


def test_efficacy_cites_the_article_of_the_product_category():
    cosmetics = scan("这款面膜能治疗痘痘，修复受损细胞")
    assert any("化妆品监督管理条例" in f.legal_basis for f in cosmetics.findings)
    food = scan("本保健品降血糖，无效退款")
    assert any("第十八条" in f.legal_basis for f in food.findings)


def test_piracy_cites_copyright_law():
    (f,) = [f for f in scan("出售盗版光碟，10元一张，包邮").findings if f.term == "盗版"]
    assert f.rule == "counterfeit.piracy" and "著作权法" in f.legal_basis


@pytest.mark.parametrize(
    ("text", "rule", "article"),
    [
        ("签约保过，考不过全额退还学费", "false_ad.education", "第二十四条"),
        ("本期课程由命题专家亲自授课", "false_ad.education", "第二十四条"),
        ("保本保息，年化收益18%，零风险", "false_ad.investment", "第二十五条"),
        ("小投资，大收益，每天分红300元", "false_ad.investment", "第二十五条"),
        ("距地铁站仅5分钟，稳定升值，只涨不跌", "false_ad.property", "第二十六条"),
        ("上风上水，龙脉之地", "false_ad.superstition", "第九条"),
        ("张院士推荐，医院指定使用", "false_ad.endorsement", "第十六条"),
    ],
)
def test_advertising_law_article_families(text, rule, article):
    result = scan(text)
    found = [f for f in result.findings if f.rule in (rule, "false_ad.guarantee")]
    assert found, (text, [(f.rule, f.term) for f in result.findings])
    assert any(article in f.legal_basis for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "和专柜一模一样，肉眼无法分辨，私聊问真货",
        "海关罚没烟，低价出，有需要的联系",
        "工厂货源，耐克、阿迪、新百伦一件代发",
        "Clean厂最新版，钢带904L",
    ],
)
def test_seller_patter_about_fakes_without_the_word(text):
    assert "counterfeit" in scan(text).categories, text


def test_supply_words_need_a_brand():
    assert "counterfeit" not in scan("工厂货源，一件代发，欢迎咨询").categories


APPENDED = ["谨防假冒。", "假货包退。", "温馨提醒：下单前请核对地址。", "可查真伪。"]
PRICED = ["【VALENTINO】p400 华伦天奴 顶级版本。", "LV 包 299 元。", "这款面霜是全网最低价。"]


@pytest.mark.parametrize("sentence", APPENDED)
def test_an_appended_sentence_does_not_change_the_stance_of_another(sentence):
    for text in PRICED:
        before = {(f.rule, f.start, f.end, f.stance) for f in scan(text).findings}
        after = {(f.rule, f.start, f.end, f.stance) for f in scan(text + sentence).findings}
        assert before and before <= after, (text, sentence, before, after)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("促进关节健康、抗癌等其他功效也都是传说而已，大家千万不要迷信", "都是传说"),
        ("三七最多只能止血，哪能治癌症？", "哪能"),
        ("我行医四十年，从来没听说过三七能抗癌", "没听说过"),
    ],
)
def test_an_effect_denied_in_its_clause_is_not_claimed(text, cue):
    result = scan(text)
    assert "false_ad" not in result.categories, text
    assert {(f.stance, f.cue) for f in result.suppressed} == {("negated", cue)}


@pytest.mark.parametrize(
    "text",
    [
        "这款茶抗癌效果绝不是传说，欢迎咨询",
        "“喝它能治疗百病及防癌！”“不得了啦，痛风喝这个，太简单了”",
        "难以置信的根治鼻炎效果",
    ],
)
def test_a_denial_inside_a_word_or_a_sellers_boast_denies_nothing(text):
    assert "false_ad" in scan(text).categories, text


def test_the_cue_of_a_denied_effect_governs_only_its_clause():
    result = scan("抗癌等功效都是传说；本品三天根治鼻炎")
    assert "false_ad" in result.categories
    assert [f.term for f in result.findings if f.rule == "false_ad.efficacy"]


@pytest.mark.parametrize(
    ("text", "counted_"),
    [
        ("做南通最专业的生日派对、百日宴、周岁派对、十岁宝宝宴等", True),
        ("打造全国最大的高端婚纱摄影基地，欢迎预约", True),
        ("我们要做最好的自己，这是我一直以来的想法和追求，不管遇到什么", False),
        ("去年铜材出口一万吨，成为我国最大的铜材出口基地，受到好评和关注", False),
        ("做好本届工作最重要的前提是团结大家，这是我们的共识和基础", False),
    ],
)
def test_an_absolute_term_in_a_business_placing_itself_at_the_top(text, counted_):
    assert ("false_ad.absolute" in counted(text)) is counted_, text


@pytest.mark.parametrize(
    "text",
    [
        "高仿劳力士的市场，早已不是粗糙的仿冒，而是一场精密的技术追逐",
        "记住我们做的是『复刻』劳力士，不是『假表』",
    ],
)
def test_a_seller_denying_a_fake_is_no_talk_about_fakes(text):
    assert "counterfeit" in scan(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "原价上千，现在只要两位数！两位数抢茅台",
        "LV包包专柜价两万多，我们这里只要八百元",
        "劳力士手表三百元一块",
        "爱马仕包包几百块就能拿下",
    ],
)
def test_a_brand_at_a_fraction_of_its_price_in_words(text):
    assert "counterfeit" in scan(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "这双鞋原价1299现在只要899",
        "原价上千，现在只要两位数，清仓处理",
        "劳力士三块，都是朋友送的",
        "茅台酒一千五百元一瓶",
    ],
)
def test_a_plausible_or_unbranded_price_in_words_is_no_fake(text):
    assert "counterfeit" not in scan(text).categories, text


def test_replica_shop_copy_without_the_word_needs_a_brand():
    assert "counterfeit" in scan("LV老花，工厂直出，细节到位，原版五金").categories
    assert "counterfeit" in scan("姜戈名品 行业顶尖 专注高端奢侈复刻").categories
    assert "counterfeit" not in scan("这件衣服细节到位，工厂直出，很满意").categories


@pytest.mark.parametrize(
    "text", ["有清血防栓成份", "可以软化血管、疏通血管", "纳豆激酶抗血栓，中老年必备"]
)
def test_blood_vessel_and_clot_claims(text):
    assert "false_ad.efficacy" in counted(text), text


@pytest.mark.parametrize("text", ["消火栓旁边不得停车", "医院新建了血液净化中心"])
def test_blood_and_clot_words_in_ordinary_use(text):
    assert "false_ad" not in scan(text).categories, text


def test_bare_absolute_words_listed_side_by_side_are_named_not_claimed():
    result = scan("禁用词包括：国家级、世界级、最高级、最佳、最大、第一、唯一、首选、顶级")
    assert "false_ad" not in result.categories
    # terms that name a price or sales are claims on their own, listed or not
    assert "false_ad" in scan("全网最低价、销量第一、行业领先").categories
    # two bare words are no list, and a seller cue still counts
    assert "false_ad" in scan("顶级、唯一，尽在本店").categories


@pytest.mark.parametrize(
    "text",
    [
        "产后修复体验价158元！一次可收紧盆骨1-3毫米",
        "三次就能瘦10斤",
        "效果堪比降压药",
        "喝这个茶比吃药还管用",
        "中老年必备的健康好礼",
    ],
)
def test_health_claim_families_of_articles_16_and_18(text):
    assert "false_ad.efficacy" in counted(text), text


@pytest.mark.parametrize("text", ["这台机器一次可加工100公斤原料", "电梯一次可载重1000公斤"])
def test_a_quantity_per_run_of_a_machine_is_no_effect_claim(text):
    assert "false_ad" not in scan(text).categories, text


@pytest.mark.parametrize("text", ["这款茶降血糖的效果不骗人的", "说它能降血糖一点不夸大其词"])
def test_a_seller_vouching_that_the_effect_is_no_myth_still_claims_it(text):
    assert "false_ad" in scan(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        "原单就是另外一个厂家出的货，用的是相同的材料",
        "对于原单货，剪标和未剪标其实性质完全不同",
        "复刻表就是按正品原样做的表",
    ],
)
def test_a_trade_word_explained_as_a_word_is_not_an_offer(text):
    result = scan(text)
    assert "counterfeit" not in result.categories, text
    assert any(f.stance == "report" and f.cue.startswith("释义") for f in result.suppressed), text


def test_an_explained_trade_word_with_a_call_to_action_is_an_offer():
    result = scan("原单就是跟专柜一个工厂出来的，加微信看实拍")
    assert result.categories == ("counterfeit",)
    assert {f.stance for f in result.findings} == {"offer"}


@pytest.mark.parametrize(
    "text", ["仿制的劳力士日志型，做工一流", "耐克莆田货，私聊看图", "莆田阿迪椰子鞋现货"]
)
def test_imitation_words_beside_a_brand_name_a_fake(text):
    assert "counterfeit" in scan(text).categories, text


@pytest.mark.parametrize(
    "text", ["仿制药集中采购后价格下降", "莆田市今年旅游收入增长", "仿造古代建筑的园林很受欢迎"]
)
def test_imitation_words_without_a_brand_are_ordinary(text):
    assert "counterfeit" not in scan(text).categories, text


def test_a_doubting_question_governs_the_list_of_claims_after_it():
    text = "一个什么样的生物制剂，居然能“当天见效”、“彻底治愈”多种癌症？"
    result = scan(text)
    assert "false_ad" not in result.categories
    assert {f.cue for f in result.suppressed} == {"质疑句（居然）"}
    assert "false_ad" in scan("当天见效、彻底治愈多种癌症，加微信咨询").categories


@pytest.mark.parametrize(
    "text,cue",
    [
        ("尽量选择正规渠道购买香烟，避免购买精仿产品", "避免购买"),
        ("请勿发布精仿手机类、求购类信息", "请勿发布"),
        ("免税店的免税烟和国内烟怎么区分", "怎么区分"),
    ],
)
def test_a_clause_that_dissuades_from_the_fake_is_a_warning(text, cue):
    result = scan(text)
    assert "counterfeit" not in result.categories, text
    assert [(f.stance, f.cue) for f in result.suppressed] == [("warning", cue)]


def test_a_dissuading_word_in_another_clause_hides_no_offer():
    assert "counterfeit" in scan("高仿包包，不要买别家的，来我这，加微信").categories


def test_a_regulators_list_of_wordings_is_named_not_made():
    text = "销售材料中存在包含保本保收益内涵的表述，如零风险、收益有保障、本金无忧等"
    assert "false_ad" not in scan(text).categories
