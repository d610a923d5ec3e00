"""The sentence model's second look (passages.py): the gate and the detection, per passage."""

from __future__ import annotations

import pytest

from scanning import Scanner
from scanning.model import MODEL_FILE, SentenceModel, ngrams, shared_model
from scanning.passages import KEEP_SEVERITY


@pytest.fixture(scope="module")
def rules() -> Scanner:
    return Scanner.from_lexicon().with_model(None)


def _model(weights: dict[str, tuple[float, float]], bias=(0.0, 0.0)) -> SentenceModel:
    """A hand-made model: ``weights`` per 2- or 3-gram (counterfeit, false_ad); with no weight a
    passage has probability 0.5 (bias 0) for the gate tests."""
    return SentenceModel(bias, weights, {}, strong=1.0)


def test_ngrams_are_the_distinct_one_to_three_grams():
    assert ngrams("高仿包") == {"高仿", "仿包", "高仿包"}
    assert ngrams("高") == ngrams("") == set()


def test_gate_suppresses_a_weak_finding_whose_passage_reads_unlike_an_ad(rules):
    text = "这部电影的配乐是今年最好的。"
    assert "false_ad" in rules.scan(text).categories  # the rules alone count 最好
    sc = rules.with_model(_model({"电影": (0.0, -6.0)}), gate=(0.1, 0.1), detect=(1.01, 1.01))
    r = sc.scan(text)
    assert r.categories == ()
    assert [(f.term, f.stance) for f in r.suppressed] == [("最好", "unlikely")]
    assert r.suppressed[0].cue.startswith("模型概率 ")


def test_gate_never_hides_a_severe_finding(rules):
    text = "这部电影里的包都是高仿A货。"  # 高仿, A货: the named counterfeit grades
    base = rules.scan(text)
    severe = [f for f in base.findings if f.severity >= KEEP_SEVERITY]
    assert severe, "the fixture needs a severe rule"
    sc = rules.with_model(_model({"电影": (-9.0, -9.0)}), gate=(0.5, 0.5), detect=(1.01, 1.01))
    assert sc.scan("这部电影的配乐是今年最好的。").categories == ()  # weaker ones are gated
    assert {f.rule for f in severe} <= {f.rule for f in sc.scan(text).findings}


def test_gate_reads_only_the_passage_of_the_finding(rules):
    # a review sentence far away must not gate an ad three sentences later
    text = "昨晚看了部电影。剧情一般。演员还行。配角很多。本店面霜效果最好，加微信下单。"
    sc = rules.with_model(_model({"电影": (0.0, -9.0)}), gate=(0.1, 0.1), detect=(1.01, 1.01))
    assert "false_ad" in sc.scan(text).categories


def test_detection_flags_a_pitch_no_rule_matches(rules):
    text = "喝了这款酒，保你精神焕发，夜夜好睡。"
    assert rules.scan(text).findings == ()
    sc = rules.with_model(
        _model({"焕发": (0.0, 3.0), "好睡": (0.0, 3.0)}, bias=(-4.0, -4.0)),
        gate=(0.0, 0.0),
        detect=(0.8, 0.8),
    )
    r = sc.scan(text)
    assert r.categories == ("false_ad",)
    (f,) = r.findings
    assert f.rule == "false_ad.model"
    assert f.term == text[f.start : f.end] == f.matched  # the matched text, never a pattern
    assert "焕发" in f.term
    assert "模型判断" in f.explanation and "“焕发”" in f.explanation
    assert f.legal_basis.startswith("广告法")


def test_detection_respects_the_stance_layer(rules):
    # the same words reported by the police are not an ad
    text = "警方通报，该商家宣称喝了这款酒保你精神焕发，夜夜好睡。"
    sc = rules.with_model(
        _model({"焕发": (0.0, 3.0), "好睡": (0.0, 3.0)}, bias=(-4.0, -4.0)),
        gate=(0.0, 0.0),
        detect=(0.8, 0.8),
    )
    r = sc.scan(text)
    assert r.categories == ()
    assert [f.stance for f in r.suppressed] == ["report"]


def test_detection_never_doubles_a_rule_finding(rules):
    text = "高仿LV包，加微信。"
    sc = rules.with_model(
        _model({"高仿": (9.0, 0.0)}, bias=(-4.0, -4.0)), gate=(0.0, 0.0), detect=(0.5, 0.5)
    )
    assert not any(f.rule == "counterfeit.model" for f in sc.scan(text).findings)


def test_texts_with_lone_surrogates_and_no_findings_are_answered(rules):
    sc = rules.with_model(
        _model({"好睡": (0.0, 9.0)}, bias=(-4.0, -4.0)), gate=(0.0, 0.0), detect=(0.5, 0.5)
    )
    r = sc.scan("夜夜好睡\ud800")
    assert r.categories == ("false_ad",)


def test_model_file_round_trip(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text(
        "#bias\t-1.0,-2.0\n#gate\t0.05,0.1\n#detect\t0.9,0.95\n#strong\t0.5\n"
        "高仿\t2.5\t0\n\\t最好\t0\t1.5\n",
        encoding="utf-8",
    )
    m = SentenceModel.load(path)
    assert m.meta["gate"] == "0.05,0.1"
    assert m.may_detect("卖高仿") and not m.may_detect("卖真货")
    p_cf, p_ad = m.probabilities("高仿")
    assert p_cf > 0.8 and p_ad < 0.2
    sc = Scanner.from_lexicon().with_model(m)
    assert sc._passages.gate == (0.05, 0.1) and sc._passages.detect == (0.9, 0.95)


def test_a_malformed_model_file_is_refused(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text("#bias\t0,0\n高仿\t2.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"m\.tsv:2"):
        SentenceModel.load(path)


def test_the_shipped_model_is_used_and_recorded():
    m = shared_model()
    assert m is not None and MODEL_FILE.exists()
    assert {"trained", "gate", "detect", "bias"} <= set(m.meta)
    assert Scanner.from_lexicon().model is m


def test_a_new_model_or_threshold_changes_the_scanner_fingerprint(tmp_path, rules):
    # the fingerprint identifies a scanner's results for versions and rescans: a new model
    # file or new thresholds change it as a lexicon change does; the rules alone keep the
    # lexicon's
    shipped = Scanner.from_lexicon()
    assert rules.fingerprint == rules.lexicon.fingerprint
    assert shipped.fingerprint != rules.fingerprint
    assert Scanner.from_lexicon().fingerprint == shipped.fingerprint  # stable across builds
    text = MODEL_FILE.read_text(encoding="utf-8")
    retrained = tmp_path / "m.tsv"
    retrained.write_text(text + "仿冒品\t0.5\t0\n", encoding="utf-8")  # one weight more
    other = SentenceModel.load(retrained)
    assert other.digest != shared_model().digest
    assert rules.with_model(other).fingerprint != shipped.fingerprint
    g, d = shipped._passages.gate, shipped._passages.detect
    assert rules.with_model(shared_model()).fingerprint == shipped.fingerprint
    moved = rules.with_model(shared_model(), gate=g, detect=(d[0], 0.99))
    assert moved.fingerprint != shipped.fingerprint
