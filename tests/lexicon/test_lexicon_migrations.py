"""The phishing-link rows shipped after a database was seeded reach it (lexicon 0005): the new
genuine and shortener hosts and the short-link rule, published as a new version once; a fresh
database, which 0006 seeds with them, is left alone, and a rule a supervisor deleted stays
deleted."""

import dataclasses
import importlib

import pytest
from django.apps import apps

from lexicon.models import LexiconRule, LexiconVersion
from lexicon.services import (
    lexicon_current,
    lexicon_from_content,
    lexicon_to_content,
    scanner_for,
)
from scanning import Host, Lexicon

pytestmark = pytest.mark.django_db

migration = importlib.import_module("lexicon.migrations.0005_phishing_hosts")
NEW_DOMAINS = {d for d, *_rest in migration.HOSTS}
SHORT = "点这个 t.cn/A6abcXY 领取红包"
GENUINE = "京东 https://item.jd.com/100.html 自营"  # flagged as a look-alike without jd.com


def run_step() -> None:
    migration.add_phishing_rows(apps, None)


def phishing_rules(version: LexiconVersion, text: str) -> set[str]:
    found = scanner_for(version).scan(text).findings
    return {f.rule for f in found if f.category == "phishing"}


def make_old_database() -> LexiconVersion:
    """The state of a database seeded before these rows shipped: the active (only) version
    and the rule rows without them."""
    LexiconRule.objects.filter(rule_id="phishing.short_link").delete()
    old = LexiconVersion.objects.order_by("-number").first()
    lexicon = lexicon_from_content(old.content)
    lexicon = dataclasses.replace(
        lexicon,
        hosts=tuple(h for h in lexicon.hosts if h.domain not in NEW_DOMAINS),
        rules=tuple(r for r in lexicon.rules if r.rule_id != "phishing.short_link"),
    )
    LexiconVersion.objects.filter(pk=old.pk).update(
        content=lexicon_to_content(lexicon), fingerprint=lexicon.fingerprint
    )
    old.refresh_from_db()
    return old


def test_the_frozen_rows_are_the_shipped_ones():
    shipped = Lexicon.load()
    assert {Host(*row) for row in migration.HOSTS} <= set(shipped.hosts)
    assert len(migration.HOSTS) == 21
    short = [r for r in shipped.rules if r.rule_id == "phishing.short_link"]
    assert [dataclasses.asdict(r) | {"exceptions": ""} for r in short] == list(migration.RULES)


def test_a_fresh_database_already_has_them_and_is_left_alone():
    before = list(LexiconVersion.objects.values_list("number", flat=True))
    run_step()
    assert list(LexiconVersion.objects.values_list("number", flat=True)) == before
    assert NEW_DOMAINS <= {h.domain for h in lexicon_from_content(lexicon_current().content).hosts}


def test_an_old_database_gets_the_rows_in_a_new_version_once():
    old = make_old_database()
    assert phishing_rules(old, SHORT) == set()
    assert phishing_rules(old, GENUINE) == {"phishing.lookalike_host"}
    rules_before = LexiconRule.objects.count()

    run_step()

    new = lexicon_current()
    assert new.number == old.number + 1
    assert "钓鱼链接" in new.note and "21 个域名" in new.note
    hosts = lexicon_from_content(new.content).hosts
    assert NEW_DOMAINS <= {h.domain for h in hosts}
    assert [h.domain for h in hosts][: len(hosts) - 21] == [
        h.domain for h in lexicon_from_content(old.content).hosts
    ]  # the database's own hosts kept, in their order
    assert LexiconRule.objects.count() == rules_before + 1
    assert new.rule_count == rules_before + 1
    assert phishing_rules(new, SHORT) == {"phishing.short_link"}
    assert phishing_rules(new, GENUINE) == set()

    run_step()  # again: nothing more
    assert lexicon_current().pk == new.pk
    assert LexiconRule.objects.count() == rules_before + 1


def test_a_rule_deleted_after_it_arrived_stays_deleted():
    make_old_database()
    run_step()
    LexiconRule.objects.filter(rule_id="phishing.short_link").delete()
    count = LexiconVersion.objects.count()
    run_step()
    assert LexiconVersion.objects.count() == count
    assert not LexiconRule.objects.filter(rule_id="phishing.short_link").exists()
