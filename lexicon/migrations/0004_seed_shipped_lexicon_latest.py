"""Seed the editable lexicon from the shipped files (scanning/lexicon/) as version 1,
against the latest columns (see 0002). Does nothing where a version exists already."""

import importlib

from django.db import migrations

_seed = importlib.import_module("lexicon.migrations.0002_seed_shipped_lexicon").seed


class Migration(migrations.Migration):
    dependencies = [("lexicon", "0003_longer_patterns")]
    operations = [migrations.RunPython(_seed, migrations.RunPython.noop)]
