"""``python -m scanning`` (and ``python -m wsmonitor.scanning``, the contract's name) as a
subprocess."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(stdin: str, *args: str, module: str = "scanning"):
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_scans_jsonl_and_reports_bad_lines():
    lines = [
        json.dumps({"id": "a", "text": "高*仿LV包包，全网最低价"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": 42}),
        "",
        json.dumps({"id": 7, "text": "最近第一次买"}, ensure_ascii=False),
    ]
    proc = run("\n".join(lines) + "\n")
    assert proc.returncode == 1
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    # one output line per non-blank input line, in order
    assert [o["id"] for o in out] == ["a", None, "b", "c", 7]
    first = out[0]
    assert set(first) >= {"id", "categories", "score", "findings"}
    assert first["categories"] == ["counterfeit", "false_ad"]
    text = "高*仿LV包包，全网最低价"
    for f in first["findings"]:
        assert set(f) >= {"category", "rule", "term", "start", "end", "severity"}
        assert text[f["start"] : f["end"]] == f["matched"]
    assert out[4]["id"] == 7
    assert (out[4]["categories"], out[4]["score"], out[4]["findings"]) == ([], 0.0, [])
    assert [(o["line"], o["error"]["code"]) for o in out[1:4]] == [
        (2, "invalid_json"),
        (3, "missing_text"),
        (4, "text_not_a_string"),
    ]
    assert all(o["error"]["detail"] for o in out[1:4])
    errors = [json.loads(x) for x in proc.stderr.decode().splitlines()]
    assert [(e["line"], e["id"]) for e in errors] == [(2, None), (3, "b"), (4, "c")]


def run_bytes(data: bytes):
    return subprocess.run(
        [sys.executable, "-m", "scanning"],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_cli_answers_every_line_after_bad_bytes_surrogates_and_odd_json():
    good = json.dumps({"id": "ok", "text": "一比一复刻表"}, ensure_ascii=False).encode()
    data = b"\n".join(
        [
            b'{"id": "u1", "text": "\xff\xfe bad bytes"}',  # not UTF-8: id still recovered
            b"\xc3\x28\xa0\xa1",  # not UTF-8, no id
            b'{"id": "s1", "text": "\\ud800 lone"}',  # lone surrogate escaped in JSON
            b'{"id": "s2", "text": "\xed\xa0\x80"}',  # a surrogate encoded as bytes (CESU)
            b'{"id": "\\udc00", "text": "x"}',  # lone surrogate in the id: id not echoed
            b'"just a string"',
            b"[1, 2, 3]",
            b"null",
            b'{"id": "t", "text": null}',
            b'{"id": "deep", "text": ' + b"[" * 100000 + b"]" * 100000 + b"}",
            b'{"id": "trunc", "text": "cut off',
            good,
        ]
    )
    proc = run_bytes(data + b"\n")
    assert proc.returncode == 1
    out = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == 12
    codes = [(o["id"], o["line"], o["error"]["code"]) for o in out[:11]]
    assert codes == [
        ("u1", 1, "invalid_utf8"),
        (None, 2, "invalid_utf8"),
        ("s1", 3, "lone_surrogate"),
        ("s2", 4, "invalid_utf8"),
        (None, 5, "lone_surrogate"),
        (None, 6, "not_an_object"),
        (None, 7, "not_an_object"),
        (None, 8, "not_an_object"),
        ("t", 9, "text_not_a_string"),
        ("deep", 10, "invalid_json"),  # nested too deeply for the parser
        ("trunc", 11, "invalid_json"),
    ]
    last = out[11]
    assert last["id"] == "ok" and last["categories"] == ["counterfeit"]
    assert last["findings"][0]["matched"] == "一比一复刻"


def test_cli_exit_zero_when_all_lines_ok_and_custom_lexicon(tmp_path):
    from scanning import Lexicon, Rule

    lex = Lexicon(rules=(Rule("神仙水", "false_ad", "false_ad.efficacy", 4),))
    lex.dump(tmp_path)
    proc = run(
        json.dumps({"id": 1, "text": "正宗神仙水"}, ensure_ascii=False) + "\n",
        "--lexicon",
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    (rec,) = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert rec["findings"][0]["term"] == "神仙水"
    assert (rec["findings"][0]["start"], rec["findings"][0]["end"]) == (2, 5)


def test_cli_missing_lexicon_exits_2(tmp_path):
    proc = run("", "--lexicon", str(tmp_path / "nope"))
    assert proc.returncode == 2


def test_the_contracts_module_name_runs_the_same_command_line():
    lines = [json.dumps({"id": "a", "text": "高仿LV包包，加微信私聊"}, ensure_ascii=False), "{bad"]
    stdin = "\n".join(lines) + "\n"
    ours, contract = run(stdin), run(stdin, module="wsmonitor.scanning")
    assert contract.returncode == ours.returncode == 1
    assert contract.stdout == ours.stdout
    out = [json.loads(x) for x in contract.stdout.decode().splitlines()]
    assert out[0]["categories"] == ["counterfeit"] and out[1]["error"]["code"] == "invalid_json"


def test_the_contracts_import_path_is_the_engine():
    import scanning
    from wsmonitor.scanning import Scanner

    assert Scanner is scanning.Scanner
    result = Scanner.from_lexicon(path=None).scan("高*仿LV包包，全网最低价")
    assert result.categories == ("counterfeit", "false_ad")
