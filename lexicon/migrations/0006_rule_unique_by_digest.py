"""The rules' unique index on (MD5(term), rule_id, mode) instead of the whole term, then the
seeding of an empty database from the shipped files (moved here from 0004; it does nothing where
a version exists already)."""

import importlib

import django.db.models.functions.text
from django.db import migrations, models

_seed = importlib.import_module("lexicon.migrations.0002_seed_shipped_lexicon").seed


class Migration(migrations.Migration):
    dependencies = [("lexicon", "0005_phishing_hosts")]

    operations = [
        migrations.RemoveConstraint(model_name="lexiconrule", name="lexicon_rule_unique"),
        migrations.AddConstraint(
            model_name="lexiconrule",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.MD5("term"),
                models.F("rule_id"),
                models.F("mode"),
                name="lexicon_rule_unique",
                violation_error_message="A rule with this term, rule id and mode exists.",
            ),
        ),
        migrations.RunPython(_seed, migrations.RunPython.noop),
    ]
