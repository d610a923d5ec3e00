"""``python -m wsmonitor.scanning`` as a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(stdin: str, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "wsmonitor.scanning", *args],
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
    assert [o["id"] for o in out] == ["a", 7]
    first = out[0]
    assert set(first) >= {"id", "categories", "score", "findings"}
    assert first["categories"] == ["counterfeit", "false_ad"]
    text = "高*仿LV包包，全网最低价"
    for f in first["findings"]:
        assert set(f) >= {"category", "rule", "term", "start", "end", "severity"}
        assert text[f["start"] : f["end"]] == f["matched"]
    assert out[1] == {"id": 7, "categories": [], "score": 0.0, "findings": []}
    errors = [json.loads(x) for x in proc.stderr.decode().splitlines()]
    assert [(e["line"], e["id"]) for e in errors] == [(2, None), (3, "b"), (4, "c")]


def test_cli_exit_zero_when_all_lines_ok_and_custom_lexicon(tmp_path):
    from wsmonitor.scanning import Lexicon, Rule

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
