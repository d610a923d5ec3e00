"""The editable lexicon's rule rows: every shipped rule is seeded, however long its expanded
pattern (a slot family expands to thousands of bytes, past PostgreSQL's btree limit on a whole
term), and a second row with the same term, rule id and mode is refused with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lexicon.models import LexiconRule
from scanning import Lexicon

pytestmark = pytest.mark.django_db


def test_every_shipped_rule_is_seeded_even_the_longest_pattern():
    shipped = Lexicon.load().rules
    longest = max(shipped, key=lambda r: len(r.term.encode()))
    assert LexiconRule.objects.count() == len(shipped)
    assert LexiconRule.objects.filter(term=longest.term, rule_id=longest.rule_id).exists()


def _row(term: str) -> LexiconRule:
    return LexiconRule(
        term=term,
        category="false_ad",
        rule_id="false_ad.efficacy",
        severity=4,
        mode="pattern",
        legal_basis="广告法 第十七条",
    )


def test_a_long_pattern_is_stored_and_a_duplicate_refused():
    term = "(?:" + "|".join("病症" + chr(0x4E00 + n) for n in range(400)) + ")"  # 1,605 chars
    assert len(term.encode()) > 2704
    _row(term).save()
    twin = _row(term)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        twin.full_clean()
    assert "已有相同词条、规则编号和匹配方式的规则。" in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
