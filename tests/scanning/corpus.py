"""The labelled scanner corpus and its frozen test split.

Files: ``tests/scanning/data/devset.jsonl`` (the first 348 texts, tuned on by earlier rounds) and
``tests/scanning/data/corpus/*.jsonl`` (texts added from public sources from round four on).

The split is fixed by rule, before any tuning on the new texts:

* every ``devset.jsonl`` item is **tuning** (earlier rounds already tuned on them, so they cannot
  be a fair test);
* texts with no Chinese character, or in Japanese or Russian, are out of scope (``in_scope``);
* a corpus item is **frozen** when ``sha256(id)`` read as a number is ``< 40 %`` of the range,
  otherwise tuning. Ids are assigned when a text is collected, so the split cannot follow a result.

Tuning may look at tuning-split misses only. ``python -m tests.scanning.corpus`` prints the
figures for both splits and, with ``--misses``, the tuning split's misses; it never lists frozen
texts. ``--tuning`` prints the tuning split alone, as a whole and per source kind, and the tuning
half of the ordinary lines, and computes no frozen figure: the view to tune by.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data"
DEVSET = DATA / "devset.jsonl"
CORPUS = DATA / "corpus"
FROZEN_SHARE = 0.40
GATED = ("counterfeit", "false_ad")
LABELS = {"counterfeit", "false_ad", "clean"}


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_OTHER_SCRIPT = re.compile(r"[\u3040-\u30ff\u0400-\u04ff]")  # kana, Cyrillic


def in_scope(text: str) -> bool:
    """The scanner reads Chinese WeChat commerce: a text with no Chinese character at all
    (English, Spanish or German spam pasted into issues) or one written in Japanese or Russian is
    outside what it is for, and is kept in the files but left out of the figures."""
    return bool(_HAN.search(text)) and not _OTHER_SCRIPT.search(text)


def is_frozen(item_id: str, origin_devset: bool = False) -> bool:
    if origin_devset:
        return False
    h = int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big")
    return h < FROZEN_SHARE * 2**64


def load() -> list[dict]:
    items = []
    for path in [DEVSET, *sorted(CORPUS.glob("*.jsonl"))]:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                it = json.loads(line)
                it["_file"] = f"{path.name}:{n}"
                it.setdefault("source_kind", "devset")
                it["split"] = "frozen" if is_frozen(it["id"], path == DEVSET) else "tuning"
                if in_scope(it["text"]):
                    items.append(it)
    return items


ORDINARY = DATA / "ordinary"


def use_data(path: str | Path) -> None:
    """Read the corpus and the ordinary lines from another folder of the same layout (e.g. a
    copy taken before a round of additions, so that figures before and after a change are on the
    same texts)."""
    global DATA, DEVSET, CORPUS, ORDINARY
    DATA = Path(path)
    DEVSET, CORPUS, ORDINARY = DATA / "devset.jsonl", DATA / "corpus", DATA / "ordinary"


def load_ordinary() -> list[dict]:
    """Ordinary clean Chinese (news paragraphs, reviews; ``data/ordinary/README.md``), one item a
    line, with the same hash split as the corpus."""
    items = []
    for path in sorted(ORDINARY.glob("*.txt")):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                text = line.rstrip("\n")
                if text:
                    key = f"{path.stem}:{n}"
                    split = "frozen" if is_frozen(key) else "tuning"
                    items.append({"id": key, "text": text, "file": path.stem, "split": split})
    return items


def ordinary_report(scanner) -> tuple[str, dict]:
    items = load_ordinary()
    out, lines = {}, []
    for split in ("tuning", "frozen"):
        sub = [it for it in items if it["split"] == split]
        flagged = sum(bool(set(scanner.scan(it["text"]).categories) & set(GATED)) for it in sub)
        out[split] = {"n": len(sub), "flagged": flagged, "share": flagged / len(sub)}
        lines.append(
            f"ordinary clean Chinese, {split}: {flagged} of {len(sub)} flagged"
            f" ({flagged / len(sub):.2%})"
        )
    return "\n".join(lines), out


def certain(items):
    return [it for it in items if "[uncertain]" not in (it.get("note") or "")]


def figures(items, scanner) -> dict:
    preds = [set(scanner.scan(it["text"]).categories) for it in items]
    out = {}
    for cat in GATED:
        tp = fp = fn = 0
        for it, pred in zip(items, preds, strict=True):
            gold = cat in it["labels"]
            tp += cat in pred and gold
            fp += cat in pred and not gold
            fn += gold and cat not in pred
        out[cat] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    clean = [(it, p) for it, p in zip(items, preds, strict=True) if it["labels"] == ["clean"]]
    flagged = sum(bool(p & set(GATED)) for _, p in clean)
    out["clean_flagged"] = {
        "n": len(clean),
        "flagged": flagged,
        "share": flagged / len(clean) if clean else 0.0,
    }
    return out


def table(title: str, f: dict, n: int) -> str:
    lines = [f"{title} ({n} texts)"]
    for cat in GATED:
        c = f[cat]
        lines.append(
            f"  {cat:<12} precision {c['precision']:.3f}  recall {c['recall']:.3f}"
            f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})"
        )
    c = f["clean_flagged"]
    lines.append(f"  clean flagged {c['share']:.3f} ({c['flagged']} of {c['n']})")
    return "\n".join(lines)


def report(scanner) -> tuple[str, dict]:
    items = certain(load())
    tuning = [it for it in items if it["split"] == "tuning"]
    frozen = [it for it in items if it["split"] == "frozen"]
    ft, ff = figures(tuning, scanner), figures(frozen, scanner)
    parts = [
        table("tuning split, [uncertain] excluded", ft, len(tuning)),
        table("FROZEN split, [uncertain] excluded", ff, len(frozen)),
    ]
    # cross-source: figures on the frozen split per source kind
    kinds = Counter(it["source_kind"] for it in frozen)
    for kind, n in sorted(kinds.items()):
        sub = [it for it in frozen if it["source_kind"] == kind]
        parts.append(table(f"frozen, source kind {kind}", figures(sub, scanner), n))
    return "\n".join(parts), {"tuning": ft, "frozen": ff}


def tuning_report(scanner) -> tuple[str, dict]:
    """The tuning split alone, as a whole and per source kind (no frozen figure is computed),
    and the tuning half of the ordinary clean Chinese: what a round tunes on."""
    tuning = [it for it in certain(load()) if it["split"] == "tuning"]
    ft = figures(tuning, scanner)
    parts = [table("tuning split, [uncertain] excluded", ft, len(tuning))]
    kinds = Counter(it["source_kind"] for it in tuning)
    per_kind = {}
    for kind, n in sorted(kinds.items()):
        sub = [it for it in tuning if it["source_kind"] == kind]
        per_kind[kind] = figures(sub, scanner)
        parts.append(table(f"tuning, source kind {kind}", per_kind[kind], n))
    ordinary = [it for it in load_ordinary() if it["split"] == "tuning"]
    flagged = sum(bool(set(scanner.scan(it["text"]).categories) & set(GATED)) for it in ordinary)
    parts.append(
        f"ordinary clean Chinese, tuning: {flagged} of {len(ordinary)} flagged"
        f" ({flagged / len(ordinary):.2%})"
    )
    return "\n".join(parts), {"tuning": ft, "kinds": per_kind, "ordinary": flagged}


def misses(scanner, split: str = "tuning"):
    if split != "tuning":
        raise SystemExit("misses are listed for the tuning split only")
    for it in certain(load()):
        if it["split"] != "tuning":
            continue
        res = scanner.scan(it["text"])
        pred = set(res.categories) & set(GATED)
        gold = set(it["labels"]) & set(GATED)
        if pred != gold:
            yield it, pred, res


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the tuning split's misses")
    ap.add_argument("--stats", action="store_true", help="counts per split, label and kind")
    ap.add_argument(
        "--tuning", action="store_true", help="tuning-split figures only, also per source kind"
    )
    ap.add_argument("--ordinary", action="store_true", help="flag rate on ordinary clean Chinese")
    ap.add_argument(
        "--ordinary-misses", action="store_true", help="tuning-split ordinary lines flagged"
    )
    ap.add_argument("--data", type=Path, help="a copy of the data folder to read instead")
    args = ap.parse_args(argv)
    if args.data:
        use_data(args.data)
    if args.stats:
        c = Counter(
            (it["split"], "+".join(sorted(it["labels"])), it["source_kind"]) for it in load()
        )
        for k, v in sorted(c.items()):
            print(*k, v, sep="\t")
        return
    from scanning import default_scanner

    scanner = default_scanner()
    if args.tuning:
        print(tuning_report(scanner)[0])
        return
    if args.ordinary:
        print(ordinary_report(scanner)[0])
        return
    if args.ordinary_misses:
        for it in load_ordinary():
            if it["split"] != "tuning":
                continue
            res = scanner.scan(it["text"])
            if set(res.categories) & set(GATED):
                terms = [(f.category, f.term, f.rule) for f in res.findings][:6]
                print(
                    json.dumps(
                        {"id": it["id"], "text": it["text"][:200], "findings": terms},
                        ensure_ascii=False,
                    )
                )
        return
    if args.misses:
        for it, pred, res in misses(scanner):
            terms = [(f.category, f.term, f.rule) for f in res.findings][:6]
            print(
                json.dumps(
                    {
                        "id": it["id"],
                        "gold": it["labels"],
                        "pred": sorted(pred),
                        "text": it["text"][:200],
                        "findings": terms,
                    },
                    ensure_ascii=False,
                )
            )
        return
    print(report(scanner)[0])
    print(ordinary_report(scanner)[0])
    print("  (target ≤ 1 % on the frozen split; tuning-split flags: --ordinary-misses)")


if __name__ == "__main__":
    main()
