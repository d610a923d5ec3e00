"""Property tests: offsets, noise insertion, robustness on arbitrary Unicode."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning import default_scanner

SCANNER = default_scanner()
# plain-substring CJK terms: inserting noise between their characters must not hide them
TERMS = sorted(
    {
        r.term
        for r in SCANNER.lexicon.rules
        if r.enabled
        and r.mode == "substring"
        and len(r.term) >= 2
        and all("\u4e00" <= c <= "\u9fff" for c in r.term)
    }
)
NOISE = st.sampled_from([" ", "*", ".", " . ", "😀", "\u200b", "～", "✅", "　", "·", "\ufe0f"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


def _check_offsets(text, result):
    for f in (*result.findings, *result.suppressed):
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.matched


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=TEXT)
def test_never_raises_on_arbitrary_unicode(text):
    _check_offsets(text, SCANNER.scan(text))


@settings(max_examples=300, deadline=None)
@given(
    prefix=TEXT,
    term=st.sampled_from(TERMS),
    noise=st.lists(NOISE, min_size=1, max_size=8),
    suffix=TEXT,
)
def test_offsets_slice_to_match_around_noisy_terms(prefix, term, noise, suffix):
    noisy = term[0] + "".join(
        (noise[i % len(noise)] if i < len(noise) else "") + c for i, c in enumerate(term[1:])
    )
    text = prefix + noisy + suffix
    _check_offsets(text, SCANNER.scan(text))


@settings(max_examples=400, deadline=None)
@given(term=st.sampled_from(TERMS), noise=st.lists(NOISE, min_size=1, max_size=8))
def test_noise_between_characters_does_not_hide_a_term(term, noise):
    plain = SCANNER.scan("，" + term + "。")
    expected = {(f.rule, f.term) for f in (*plain.findings, *plain.suppressed)}
    noisy = "".join(c + noise[i % len(noise)] for i, c in enumerate(term[:-1])) + term[-1]
    text = "，" + noisy + "。"
    result = SCANNER.scan(text)
    got = {(f.rule, f.term) for f in (*result.findings, *result.suppressed)}
    assert expected <= got, (text, expected, got)
    _check_offsets(text, result)


def test_empty_and_whitespace_input():
    assert SCANNER.scan("").findings == ()
    assert SCANNER.scan("   \n\t").findings == ()


def test_one_megabyte_input():
    chunk = "高*仿LV包 299元，全网最低价！最近第一次买\u200b，𝐀😀 "
    text = chunk * (1_000_000 // len(chunk.encode()) + 1)
    result = SCANNER.scan(text)
    assert "counterfeit" in result.categories
    _check_offsets(text, result)


def test_lone_surrogates_and_controls_do_not_raise():
    text = "高\ud800仿\x00\x07包\U0010ffff"
    _check_offsets(text, SCANNER.scan(text))
