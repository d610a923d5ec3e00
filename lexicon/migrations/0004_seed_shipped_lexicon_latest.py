"""Seeded the editable lexicon from the shipped files (scanning/lexicon/) as version 1, against
the columns of this point (see 0002).

The shipped files are read as they are today, and an expanded pattern grew past what the unique
index on the whole term could hold on PostgreSQL (a fresh database failed to migrate). Seeding
now runs in ``0006_rule_unique_by_digest`` once the index holds the term's digest; this step does
nothing on a new database and has already run on existing ones.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lexicon", "0003_longer_patterns")]
    operations = []
