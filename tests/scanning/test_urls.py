"""Phishing links: registrable domains from the bundled public-suffix list, look-alike hosts of
payment and platform brands (typos, punycode, confusable letters, official domains used as a
prefix), shorteners named as such, each finding naming the genuine host it imitates."""

import dataclasses

import pytest

from scanning import Lexicon, Scanner, default_scanner
from scanning.urls import PSL_VERSION, HostJudge, extract_host, registrable_domain

# host → registrable domain by the public-suffix list (2026-10-22). The first six are where the
# earlier two-or-three-label rule answered differently.
PSL_CASES = [
    ("shop.example.github.io", "example.github.io"),
    ("x.web.app", "x.web.app"),
    ("tb.com.tw", "tb.com.tw"),
    ("taobao.co.uk", "taobao.co.uk"),
    ("weixin.sh.cn", "weixin.sh.cn"),
    ("pay.weixin.qq.com.bj.cn", "com.bj.cn"),
    ("pay.weixin.qq.com", "qq.com"),
    ("www.alipay.com.cn", "alipay.com.cn"),
    ("a.b.gov.cn", "b.gov.cn"),
    ("wxpay-secure.xyz", "wxpay-secure.xyz"),
    ("shop.example.com.hk", "example.com.hk"),
    ("item.jd.com", "jd.com"),
    ("x.y.co.jp", "y.co.jp"),
    ("m.tb.cn", "tb.cn"),
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("a.wechatpay.com.hk", "wechatpay.com.hk"),
    ("verify.pay-verify.cn", "pay-verify.cn"),
    ("payapp.weixin.qq.com.pay-verify.cn", "pay-verify.cn"),
]


@pytest.mark.parametrize(("host", "expected"), PSL_CASES)
def test_registrable_domain_follows_the_public_suffix_list(host, expected):
    assert registrable_domain(host) == expected


def test_the_bundled_list_is_dated():
    assert PSL_VERSION.startswith("2026-10-22")


def phishing(text, scanner=None):
    result = (scanner or default_scanner()).scan(text)
    return [f for f in result.findings if f.category == "phishing" and "host" in f.rule]


def one_host_finding(text, scanner=None):
    result = (scanner or default_scanner()).scan(text)
    found = [
        f for f in result.findings if f.rule in ("phishing.lookalike_host", "phishing.short_link")
    ]
    assert len(found) == 1, (text, result.findings)
    return found[0]


LOOKALIKES = [
    # text, host as written, genuine host named, domain in the term
    (
        "付款请点 https://payapp.weixin.qq.com.pay-verify.cn/pay?id=1",
        "payapp.weixin.qq.com.pay-verify.cn",
        "payapp.weixin.qq.com",
        "pay-verify.cn",
    ),
    (
        "支付宝验证 alipay.com.verify-pay.cn/login 填写",
        "alipay.com.verify-pay.cn",
        "alipay.com",
        "verify-pay.cn",
    ),
    ("订单付款 weixln-pay.com 扫码", "weixln-pay.com", "pay.weixin.qq.com", "weixln-pay.com"),
    (
        "退款点 http://wx-pay-refund.top/r?o=8 领取",
        "wx-pay-refund.top",
        "pay.weixin.qq.com",
        "wx-pay-refund.top",
    ),
    (
        "付款 https://wеixin-pay.com/x 即可",
        "wеixin-pay.com",
        "pay.weixin.qq.com",
        "xn--wixin-pay-g0h.com",
    ),
    (
        "付款 https://xn--wixin-pay-g0h.com/x 即可",
        "xn--wixin-pay-g0h.com",
        "pay.weixin.qq.com",
        "xn--wixin-pay-g0h.com",
    ),
    (
        "付款 https://www.wxpay-secure.xyz/ 即可",
        "www.wxpay-secure.xyz",
        "pay.weixin.qq.com",
        "wxpay-secure.xyz",
    ),
    ("正品 taobao-vip.shop 下单", "taobao-vip.shop", "www.taobao.com", "taobao-vip.shop"),
    ("支付 alipav.com 完成", "alipav.com", "www.alipay.com", "alipav.com"),
    (
        "付款 ＷＸＰＡＹ－ＳＥＣＵＲＥ．ＣＯＭ 即可",
        "ＷＸＰＡＹ－ＳＥＣＵＲＥ．ＣＯＭ",
        "pay.weixin.qq.com",
        "wxpay-secure.com",
    ),
]


@pytest.mark.parametrize(("text", "written", "genuine", "domain"), LOOKALIKES)
def test_lookalike_hosts_name_the_genuine_host(text, written, genuine, domain):
    f = one_host_finding(text)
    assert f.rule == "phishing.lookalike_host"
    assert f.matched == written
    assert f.term.endswith("@" + domain)
    assert f"正版域名 {genuine}" in f.explanation
    assert f"实际注册域名为 {domain}" in f.explanation
    assert f.explanation.startswith("仿冒")


def test_the_explanation_says_what_gives_the_lookalike_away():
    typo = one_host_finding("订单付款 weixln-pay.com 扫码").explanation
    assert "仿冒微信支付" in typo
    assert "“weixln”与“weixin”只差一个字母" in typo
    cyrillic = one_host_finding("付款 https://wеixin-pay.com/x 即可").explanation
    assert "西里尔字母 е（看似 e）" in cyrillic
    assert "编码为 xn--wixin-pay-g0h.com" in cyrillic
    puny = one_host_finding("付款 https://xn--wixin-pay-g0h.com/x 即可").explanation
    assert "显示为 wеixin-pay.com" in puny
    prefix = one_host_finding("付款请点 https://payapp.weixin.qq.com.pay-verify.cn/pay").explanation
    assert "把正版域名放在网址开头冒充" in prefix


def test_a_chinese_domain_name_in_punycode_is_read():
    host = "xn--" + "微信支付".encode("punycode").decode() + ".com"
    f = one_host_finding(f"打开 {host} 付款")
    assert "中文域名 微信支付.com" in f.explanation
    assert "仿冒微信支付" in f.explanation


@pytest.mark.parametrize(
    "text",
    [
        "官方收银台 https://www.alipay.com/ 付款",
        "pay.weixin.qq.com",
        "文章 https://mp.weixin.qq.com/s/AbC 转发",
        "名片 https://u.wechat.com/EAbc 扫一扫",
        "收银台 https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb",
        "搜文章 https://weixin.sogou.com/weixin?query=x",
        "京东 https://item.jd.com/100.html 自营",
        "香港钱包 https://pay.wechatpay.com.hk/",
        "看图 photo.jpg 哈哈，价格 1.5元，版本 v2.0.1",
        "English text. Next sentence e.g. and U.S. prices",
        "详见 www.example.com 和 qq-music.top",
    ],
)
def test_genuine_hosts_and_ordinary_dots_are_not_findings(text):
    assert phishing(text) == []


def test_shorteners_are_named_as_such():
    f = one_host_finding("点这个 t.cn/A6abcXY 领取红包")
    assert f.rule == "phishing.short_link"
    assert f.term == "t.cn"
    assert f.matched == "t.cn"
    assert "短链接（新浪微博短链接，t.cn）" in f.explanation
    assert "真实目的地址被隐藏" in f.explanation
    assert f.severity < one_host_finding("付款 weixln-pay.com").severity
    assert one_host_finding("戳 https://dwz.cn/xyz").term == "dwz.cn"
    assert one_host_finding("淘口令 https://m.tb.cn/h.abc").term == "tb.cn"


def test_a_lexicon_without_the_shortener_rule_still_judges_lookalikes():
    lex = Lexicon.load()
    rules = tuple(r for r in lex.rules if r.rule_id != "phishing.short_link")
    scanner = Scanner(dataclasses.replace(lex, rules=rules))
    assert phishing("点这个 t.cn/A6abcXY 领取", scanner) == []
    assert [f.rule for f in phishing("付款 weixln-pay.com", scanner)] == ["phishing.lookalike_host"]


def test_a_brand_label_added_to_the_lexicon_is_flagged_beyond_the_built_in_brands():
    lex = Lexicon.load()
    base = next(r for r in lex.rules if r.rule_id == "phishing.lookalike_host")
    scanner = Scanner(
        dataclasses.replace(lex, rules=(*lex.rules, dataclasses.replace(base, term="icbcpay")))
    )
    f = one_host_finding("付款 icbcpay-online.top 即可", scanner)
    assert f.term == "icbcpay@icbcpay-online.top"
    assert "支付品牌字样“icbcpay”" in f.explanation
    assert phishing("付款 icbcpay-online.top 即可") == []


def test_only_texts_with_a_dotted_host_are_judged(monkeypatch):
    scanner = Scanner(Lexicon.load())
    calls = []
    judge = scanner._hosts.judge
    monkeypatch.setattr(scanner._hosts, "judge", lambda *a: calls.append(a) or judge(*a))
    scanner.scan("高仿LV包包，一比一复刻。微信转账，价格1.5万。" * 200)
    assert calls == []
    scanner.scan("付款 weixln-pay.com")
    assert calls and calls[0][0] == "weixln-pay.com"


def test_extract_host_widens_over_host_characters_only():
    text = "请访问wеixin-pay.com/x付款"
    s, e, host = extract_host(text, 12, 14)
    assert text[s:e] == "wеixin-pay.com"
    assert host == "wеixin-pay.com"
    assert extract_host("版本1.5元", 2, 3) is None


def test_judge_is_offline_and_cached():
    judge = HostJudge(Lexicon.load().hosts)
    first = judge.judge("weixln-pay.com")
    assert first is judge.judge("weixln-pay.com")
    assert first.imitates == "pay.weixin.qq.com"
    assert judge.judge("pay.weixin.qq.com") is None


def test_rule_order_does_not_change_which_rule_reports_a_host():
    lex = Lexicon.load()
    short = [r for r in lex.rules if r.rule_id == "phishing.short_link"]
    rest = [r for r in lex.rules if r.rule_id != "phishing.short_link"]
    scanner = Scanner(dataclasses.replace(lex, rules=(*short, *rest)))  # the shortener rule first
    assert one_host_finding("付款 weixln-pay.com", scanner).rule == "phishing.lookalike_host"
    assert one_host_finding("付款 t.cn/abc", scanner).rule == "phishing.short_link"
    assert one_host_finding("付款 t.cn.pay-verify.top", scanner).rule == "phishing.lookalike_host"
