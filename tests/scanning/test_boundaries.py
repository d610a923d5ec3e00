"""Boundary cases (words that contain a lexicon term but are not violations) and evasions."""

import pytest

from scanning import default_scanner


def rules_of(text):
    return {f.rule for f in default_scanner().scan(text).findings}


def terms_of(text):
    return {f.term for f in default_scanner().scan(text).findings}


@pytest.mark.parametrize(
    "text",
    [
        "最近第一次买，效果一般",
        "收到货第一时间拍照",
        "在没有其他信息辅助解决的情况下，唯一的办法就是重启",
        "请核对原单号后再申请退款",
        "这款游戏复刻版下周上线，官方活动返场",
        "原创高仿真模拟卷",
        "天然A货翡翠表面特有的橘皮效应",
        "应收客户A货款",
        "FBA货件编码",
        "莆田市今天天气晴",
        "莆田、厦门地区有机会线下上门",
        "国家级非物质文化遗产名录",
        "掐丝珐琅工艺被列入第一批国家级非物质文化遗产名录",
        "双11全场五折",
        "该模拟人以 1:1 比例还原人体",
        "未配置方案价格时使用商品原单价。",
        "价格提高，仿佛一夜之间",
        "保健食品不是药物，不能代替药物治疗疾病。",
    ],
)
def test_ordinary_words_are_not_flagged(text):
    assert default_scanner().scan(text).findings == (), text


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("这款面霜是全网最低价", "false_ad.absolute"),
        ("本店第一品牌，销量第一", "false_ad.absolute"),
        ("国家级重点男性专科医院", "false_ad.absolute"),
        ("1:1原版皮料 顶级做工", "counterfeit.replica"),
        ("高仿LV包包精仿品质", "counterfeit.replica"),
        ("外贸原单，懂的来", "counterfeit.replica"),
        ("A货包包 私聊", "counterfeit.replica"),
        ("莆田鞋 有要的吗 微信 x", "counterfeit.putian"),
        ("私人定制生发方案28天见效", "false_ad.efficacy"),
        ("对心脏病的有效率94%", "false_ad.efficacy"),
        ("保本高收益，稳赚不赔", "false_ad.guarantee"),
        ("央视推荐品牌", "false_ad.endorsement"),
        ("散装无标，没有标签，便宜处理", "three_no.hint"),
        ("加我微信转账，不走平台更便宜", "phishing.private_transfer"),
    ],
)
def test_violations_are_flagged(text, rule):
    assert rule in rules_of(text), text


@pytest.mark.parametrize(
    "text",
    [
        "高*仿包包",
        "高 仿包包",
        "高 . 仿包包",
        "ｇａｏ仿包包",
        "高倣包包",
        "髙仿包包",
        "高😀仿包包",
        "高\u200b仿包包",
        "gf包包，私聊",
        "gao fang包包",
        "高仿包包微信xxx",
        "ＧＡＯＦＡＮＧ包包",
    ],
)
def test_replica_evasions_are_seen_through(text):
    result = default_scanner().scan(text)
    assert "counterfeit" in result.categories, text
    assert {f.term for f in result.findings} & {"高仿", "高仿包"}, text


def test_traditional_script_and_variant_a_huo():
    assert "counterfeit.replica" in rules_of("頂級高仿勞力士，A貨包包")
    assert "false_ad.efficacy" in rules_of("具有明顯療傚，藥到病除")


def test_latin_terms_need_non_alphanumeric_neighbours():
    assert rules_of("双11") == set()
    assert rules_of("版本11:11发布") == set()
    assert "counterfeit.replica" in rules_of("1:1复刻表")
    assert rules_of("翻墙 gfw 的原理") == set()
    assert "counterfeit.replica" in rules_of("gf 包 私聊")


def test_brand_below_price_floor():
    assert "counterfeit.brand_price" in rules_of("LV 包 299 元 包邮")
    assert "counterfeit.brand_price" not in rules_of("LV 包 2999 元")
    assert "counterfeit.brand_price" in rules_of("这款专柜19700元的LV手袋,我们这只要800元")


def test_lookalike_payment_hosts():
    assert "phishing.lookalike_host" in rules_of("请在 wxpay-secure.xyz/pay 付款")
    spoof = "打开 https://alipay.com.verify-pay.cn/order 完成支付"
    assert "phishing.lookalike_host" in rules_of(spoof)
    assert "phishing.lookalike_host" not in rules_of("官方收银台 https://www.alipay.com/ 付款")
    assert "phishing.lookalike_host" not in rules_of("pay.weixin.qq.com")
    assert "phishing.pay_link" in rules_of("点击支付链接 http://pay-wx.top/a 付款")


def test_report_context_suppresses_but_keeps_findings():
    result = default_scanner().scan("警方破获一起销售高仿手表案件")
    assert result.categories == ()
    assert result.score == 0.0
    assert [f.term for f in result.suppressed] == ["高仿"]
    assert "警方" in result.report_cues


def test_allow_phrase_wins_only_over_terms_it_contains():
    # 高仿真 contains 高仿, but the 高仿包 later in the text is still found
    result = default_scanner().scan("高仿真模型，另有高仿包")
    assert [f.matched for f in result.findings] == ["高仿包"]
