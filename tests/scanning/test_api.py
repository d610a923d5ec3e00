"""The Python API other apps code against."""

import dataclasses
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from scanning import Finding, Lexicon, LexiconError, Rule, Scanner, ScanResult

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_no_django():
    code = (
        "import sys, scanning as s; s.default_scanner().scan('高仿');"
        "bad=[m for m in sys.modules if m.startswith('django')]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_jieba_is_loaded_on_the_first_word_check_only():
    code = (
        "import sys, scanning as s; sc = s.Scanner.from_lexicon();"
        "assert 'jieba' not in sys.modules;"
        "assert sc.scan('高仿包 私下转账').categories == ('counterfeit', 'phishing');"
        "assert 'jieba' not in sys.modules;"
        "assert sc.scan('全网最好的').categories == ('false_ad',);"
        "assert 'jieba' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120)


def test_lexicon_round_trips(tmp_path):
    lex = Lexicon.load()
    lex.dump(tmp_path)
    again = Lexicon.load(tmp_path)
    assert again == lex
    assert again.fingerprint == lex.fingerprint
    assert len(lex.fingerprint) == 64


def test_replace_builds_a_variant_with_a_new_fingerprint():
    lex = Lexicon.load()
    extra = Rule("神仙水", "false_ad", "false_ad.efficacy", 4, "substring", (), "广告法", "test")
    variant = dataclasses.replace(lex, rules=(*lex.rules, extra))
    assert variant.fingerprint != lex.fingerprint
    assert Scanner(variant).scan("神仙水").categories == ("false_ad",)
    assert Scanner(lex).scan("神仙水").categories == ()


def test_disabled_rules_do_not_match():
    lex = Lexicon(rules=(Rule("神仙水", "false_ad", "false_ad.efficacy", 4, enabled=False),))
    assert Scanner(lex).scan("神仙水").findings == ()


def test_result_shape_and_score():
    result = Scanner.from_lexicon().scan("高*仿LV包包，全网最低价")
    assert isinstance(result, ScanResult)
    assert result.categories == ("counterfeit", "false_ad")
    assert 0 < result.score < 1
    f = result.findings[0]
    assert isinstance(f, Finding)
    d = f.to_dict()
    assert set(d) == {
        "category",
        "rule",
        "term",
        "matched",
        "start",
        "end",
        "severity",
        "context",
        "legal_basis",
        "stance",
        "cue",
        "explanation",
    }
    assert d["matched"] == "高*仿" and d["term"] == "高仿"
    assert d["stance"] in ("offer", "claim")
    assert result.to_dict()["findings"][0] == d
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.start = 3  # type: ignore[misc]


def test_bad_rules_are_rejected():
    with pytest.raises(LexiconError):
        Rule("x", "nope", "nope.x", 3)
    with pytest.raises(LexiconError):
        Rule("x", "false_ad", "false_ad.x", 9)
    with pytest.raises(LexiconError):
        Rule("(", "false_ad", "false_ad.x", 3, "pattern")


def test_malformed_file_names_the_line(tmp_path):
    (tmp_path / "rules.tsv").write_text(
        "term\tcategory\trule_id\tseverity\n高仿\tcounterfeit\tcounterfeit.x\tseven\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=r"rules\.tsv:2"):
        Lexicon.load(tmp_path)


def test_scan_is_thread_safe_and_swap_does_not_disturb_scans():
    scanner = Scanner.from_lexicon()
    texts = ["高*仿包包 全网最低价 最近第一次", "最专业的团队，唯一的办法"] * 200
    expected = [scanner.scan(t) for t in texts]
    results: list = []

    def work():
        results.append([scanner.scan(t) for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    Scanner(Lexicon.load())  # building a new scanner meanwhile
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_scan_many_and_type_errors():
    scanner = Scanner.from_lexicon()
    assert [r.categories for r in scanner.scan_many(["高仿", "你好"])] == [("counterfeit",), ()]
    with pytest.raises(TypeError):
        scanner.scan(None)  # type: ignore[arg-type]


def test_scan_many_equals_scan_on_the_dev_set():
    import json

    scanner = Scanner.from_lexicon()
    path = Path(__file__).parent / "data" / "devset.jsonl"
    texts = [json.loads(x)["text"] for x in path.read_text(encoding="utf-8").splitlines()]
    texts += ["", "高\u200b仿", "wxpay-secure.xyz 付款", "高(gao)收(shou)益", "\uffff高仿"]
    assert scanner.scan_many(texts) == [scanner.scan(t) for t in texts]


def test_scanner_findings_behave_like_constructed_ones():
    """Scanner-built findings compute matched/context on first use; to the caller they are the
    same frozen dataclass as one built with every field."""
    import copy
    import pickle

    text = "前面有很多很多很多字，这里是高*仿LV包包\n全网最低价，后面还有很多很多很多字"
    found = Scanner.from_lexicon().scan(text).findings
    assert found
    for f in found:
        again = pickle.loads(pickle.dumps(f))  # noqa: S301 - our own bytes
        full = Finding(**{k.name: getattr(f, k.name) for k in dataclasses.fields(Finding)})
        assert f == full == again == copy.copy(f) == copy.deepcopy(f)
        assert hash(f) == hash(full) == hash(again)
        assert repr(f) == repr(full)
        assert dataclasses.asdict(f) == f.to_dict() == full.to_dict()
        assert dataclasses.replace(f, start=0) == dataclasses.replace(full, start=0)
        assert f.matched == text[f.start : f.end]
        assert "\n" not in f.context and f.context.strip("…") in text.replace("\n", " ")
        with pytest.raises(dataclasses.FrozenInstanceError):
            f.context = "x"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            f.no_such_field  # noqa: B018
    fresh = Scanner.from_lexicon().scan(text).findings
    assert fresh == found  # equality before matched/context were read
    unpickled = pickle.loads(pickle.dumps(fresh))  # noqa: S301 - our own bytes
    assert unpickled == found
    assert not any(hasattr(f, "_text") for f in unpickled)  # the text is not pickled


def test_warm_loads_the_word_checker_ahead_of_the_first_scan():
    from scanning import Scanner

    scanner = Scanner.from_lexicon()
    assert scanner.warm() is scanner
    assert scanner._words._tk is not None  # jieba's tokenizer is ready before any scan
    assert scanner.scan("最近第一次买，效果一般").findings == ()
