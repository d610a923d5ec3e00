"""The compact and lazily built structures of a scanner give the same results as the plain ones
they replace."""

import hashlib
import json
from dataclasses import asdict, replace

from scanning import Lexicon
from scanning.lexicon import _FILES


def _fingerprint_by_asdict(lex: Lexicon) -> str:
    payload = {key: [asdict(x) for x in getattr(lex, key)] for key in _FILES}
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def test_the_lexicon_fingerprint_is_the_one_asdict_gives():
    lex = Lexicon.load()
    assert lex.fingerprint == _fingerprint_by_asdict(lex)
    # and it still tells lexicons apart
    changed = replace(lex, rules=(replace(lex.rules[0], severity=lex.rules[0].severity + 1),))
    assert changed.fingerprint == _fingerprint_by_asdict(changed) != lex.fingerprint

