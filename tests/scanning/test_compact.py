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


def _reference_table(words):
    """The romanised read-back table as it was stored before it was made compact: letters →
    (word, letters per syllable) of the best (rank, reading combination) entry."""
    from itertools import islice, product

    from scanning import chardata, evasion

    data = chardata.load()
    best = {}
    for w, rank in words:
        choices = [tuple(r for r in data.pinyin.get(ch, ()) if r in data.syllables) for ch in w]
        if not all(choices):
            continue
        for n, combo in enumerate(islice(product(*choices), evasion.VOCAB_MAX_READINGS)):
            key = "".join(combo)
            if key not in best or (rank, n) < best[key][0]:
                best[key] = ((rank, n), w, tuple(map(len, combo)))
    return {k: (w, lens) for k, (_, w, lens) in best.items()}


def test_the_compact_romanised_table_reads_every_run_as_the_stored_one_did():
    from scanning import default_scanner

    rom = default_scanner()._romanised
    rom.read("zui", True)  # built on the first read
    ref = _reference_table(rom._vocab)
    assert ref and set(ref) == set(rom._words)
    for key, (w, lens) in ref.items():
        assert rom._words[key] == w
        assert rom._syllables(key, w) == lens, key


def test_the_romanised_tables_are_built_on_first_use_with_the_same_results():
    from scanning import Scanner

    lex = Lexicon.load()
    scanner = Scanner(lex).with_model(None)
    assert not scanner._romanised._built
    texts = ["本品zhiliaotangniaobing，效果好", "坚持服用3tianjianxiao", "本品zlgxy，加微信购买"]
    first = [scanner.scan(t) for t in texts]
    assert scanner._romanised._built
    assert all(r.categories for r in first)
    assert [scanner.scan(t) for t in texts] == first


def test_the_model_file_is_read_as_line_by_line_reading_reads_it():
    from scanning.model import CATEGORIES, MODEL_FILE, SentenceModel, ngrams

    grams = {}
    with MODEL_FILE.open("rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line and not line.startswith("#"):
                gram, *ws = line.split("\t")
                gram = gram.replace("\\t", "\t").replace("\\n", "\n")
                if gram in ngrams(gram):
                    grams[gram] = complex(*map(float, ws[: len(CATEGORIES)]))
    model = SentenceModel.load()
    assert model.digest == hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    assert model._weights_z == list(grams.values())


def test_the_respelt_pattern_words_are_built_on_first_use():
    from scanning import Scanner

    scanner = Scanner(Lexicon.load()).with_model(None)
    assert not scanner._respell._built
    res = scanner.scan("本品之疗高血压，效果好")
    assert scanner._respell._built
    assert "false_ad" in res.categories
    assert scanner._respell.find("之疗") == [(0, 2, "治疗")]
