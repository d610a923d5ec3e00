"""The labelled corpus: tuning and frozen figures side by side (tests/scanning/corpus.py).

The frozen split is never tuned on. Issue 13's targets on it are precision ≥ 0.90 and recall
≥ 0.85 for counterfeit and false_ad, and at most 5 % of clean texts flagged. They are **not met
yet** (docs/scanning.md gives the figures), so this test prints both splits and checks the split
itself, and asserts that ``FROZEN_TARGETS_MET`` says what is measured (no lower threshold stands
in for the targets; meeting them fails the test until the flag is turned on, and from then on
the frozen figures are gated). The development-set gate (tests/scanning/test_devset.py) keeps
holding.
"""

from scanning import default_scanner
from tests.scanning import corpus

TARGET_PRECISION = 0.90
TARGET_RECALL = 0.85
TARGET_CLEAN_FLAGGED = 0.05
FROZEN_TARGETS_MET = False


def _side_by_side(ft: dict, ff: dict, nt: int, nf: int) -> str:
    lines = [f"\n{'':<24}{'tuning (' + str(nt) + ')':>22}{'FROZEN (' + str(nf) + ')':>22}"]
    for cat in corpus.GATED:
        for key in ("precision", "recall"):
            lines.append(f"  {cat + ' ' + key:<22}{ft[cat][key]:>22.3f}{ff[cat][key]:>22.3f}")
    lines.append(
        f"  {'clean flagged':<22}{ft['clean_flagged']['share']:>22.3f}"
        f"{ff['clean_flagged']['share']:>22.3f}"
    )
    return "\n".join(lines)


def _met(f: dict) -> bool:
    return all(
        f[c]["precision"] >= TARGET_PRECISION and f[c]["recall"] >= TARGET_RECALL
        for c in corpus.GATED
    ) and (f["clean_flagged"]["share"] <= TARGET_CLEAN_FLAGGED)


def test_tuning_and_frozen_figures_side_by_side(capsys):
    items = corpus.certain(corpus.load())
    tuning = [it for it in items if it["split"] == "tuning"]
    frozen = [it for it in items if it["split"] == "frozen"]
    scanner = default_scanner()
    ft, ff = corpus.figures(tuning, scanner), corpus.figures(frozen, scanner)
    with capsys.disabled():
        print(_side_by_side(ft, ff, len(tuning), len(frozen)))
        print(
            f"  frozen targets (P ≥ {TARGET_PRECISION}, R ≥ {TARGET_RECALL}, clean flagged ≤ "
            f"{TARGET_CLEAN_FLAGGED}): {'met' if _met(ff) else 'NOT met'}"
        )
    # the split is the fixed hash rule, and the frozen share is at least 30 % of the new texts
    new = [it for it in items if it["source_kind"] != "devset"]
    assert all((it["split"] == "frozen") == corpus.is_frozen(it["id"]) for it in new), (
        "split must follow the id hash"
    )
    if new:
        assert sum(it["split"] == "frozen" for it in new) >= 0.3 * len(new)
    # Like a strict expected failure: the recorded state must be the measured one, so meeting the
    # targets without turning the gate on fails too, and once on, falling below them fails.
    assert _met(ff) is FROZEN_TARGETS_MET, ff


def test_every_corpus_item_has_the_documented_fields():
    # the evasion transforms and the figures read these fields; a trigger is one string, its
    # parts joined by " / " (data/README.md)
    for it in corpus.load():
        where = it["_file"]
        assert isinstance(it["id"], str) and isinstance(it["text"], str), where
        assert set(it["labels"]) <= corpus.LABELS and it["labels"], where
        assert it.get("trigger") is None or isinstance(it["trigger"], str), where
        assert isinstance(it.get("source"), str) and it["source"], where
