"""The scanner's automaton (daachorse) finds exactly what ahocorasick_rs finds, in the same order.

The engine depends on the order of overlapping matches (by end, longest first) for the order of
report cues and of brand hits with the same span; this pins it against the reference matcher
named in issue #3, on the development set and on generated texts (raw and normalised).
"""

import json
import random
from pathlib import Path

import ahocorasick_rs
import pytest

from scanning import default_scanner

DEVSET = Path(__file__).parent / "data" / "devset.jsonl"
NOISE = [" ", "*", "·", "😀", "～", "✅", "(gao)", "\u3000", "𝐀", "A", "1:1", "，"]


def _texts(scanner) -> list[str]:
    with DEVSET.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    keys = scanner._keys
    rng = random.Random(7)
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            key = rng.choice(keys)
            if rng.random() < 0.3:
                key = "".join(c + rng.choice(NOISE) for c in key)
            parts.append(key)
            if rng.random() < 0.5:
                parts.append(rng.choice(texts)[: rng.randint(0, 20)])
        texts.append("".join(parts))
    return texts


@pytest.fixture(scope="module")
def scanner():
    return default_scanner()


def test_daachorse_matches_equal_ahocorasick_rs_in_order(scanner):
    reference = ahocorasick_rs.AhoCorasick(scanner._keys)
    for text in _texts(scanner):
        for t in (text, scanner._norm.normalize(text).text):
            expected = [(s, e, pid) for pid, s, e in reference.find_matches_as_indexes(t, True)]
            assert scanner._find(t) == expected, t
