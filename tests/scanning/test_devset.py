"""Precision and recall per category on the labelled development set (tests/scanning/data).

Items tagged ``[uncertain]`` are excluded from the gated figures and reported separately
(their label is a best reading that a reasonable reviewer could dispute).
"""

import json
from pathlib import Path

import pytest

from scanning import default_scanner

DEVSET = Path(__file__).parent / "data" / "devset.jsonl"
GATED = ("counterfeit", "false_ad")
MIN_PRECISION = 0.90
MIN_RECALL = 0.85


def _items():
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _figures(items, scanner):
    out = {}
    preds = [set(scanner.scan(it["text"]).categories) for it in items]
    for cat in (*GATED, "three_no", "phishing"):
        tp = fp = fn = 0
        for it, pred in zip(items, preds, strict=True):
            gold = cat in it["labels"]
            if cat in pred and gold:
                tp += 1
            elif cat in pred:
                fp += 1
            elif gold:
                fn += 1
        out[cat] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return out


def _table(title, figures, n):
    lines = [f"\n{title} ({n} texts)"]
    for cat, f in figures.items():
        lines.append(
            f"  {cat:<12} precision {f['precision']:.3f}  recall {f['recall']:.3f}"
            f"  (tp {f['tp']}, fp {f['fp']}, fn {f['fn']})"
        )
    return "\n".join(lines)


def test_devset_has_at_least_300_sourced_texts():
    items = _items()
    assert len(items) >= 300
    assert len({it["id"] for it in items}) == len(items)
    for it in items:
        assert it["text"] and it["source"], it["id"]
        assert it["labels"], it["id"]
        if it["labels"] != ["clean"] and it.get("trigger"):
            for part in it["trigger"].split(" / "):
                assert part in it["text"], (it["id"], part)


def test_precision_and_recall_per_category(capsys):
    scanner = default_scanner()
    items = _items()
    certain = [it for it in items if "[uncertain]" not in it["note"]]
    uncertain = [it for it in items if "[uncertain]" in it["note"]]
    gated = _figures(certain, scanner)
    with capsys.disabled():
        print(_table("dev set, [uncertain] excluded (gated)", gated, len(certain)))
        print(_table("dev set, [uncertain] only", _figures(uncertain, scanner), len(uncertain)))
        print(_table("dev set, all", _figures(items, scanner), len(items)))
    for cat in GATED:
        f = gated[cat]
        assert f["precision"] >= MIN_PRECISION, (cat, f)
        assert f["recall"] >= MIN_RECALL, (cat, f)


@pytest.mark.parametrize("cat", GATED)
def test_every_gated_category_has_positives(cat):
    assert sum(cat in it["labels"] for it in _items()) >= 40
