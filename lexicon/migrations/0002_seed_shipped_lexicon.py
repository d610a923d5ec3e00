"""Seeded the editable lexicon from the shipped files at this point of the schema.

The shipped files are read as they are today, so a longer pattern added later no longer fitted
the columns of this point (a fresh database failed to migrate). Seeding now runs in
``0006_rule_unique_by_digest`` (in 0004 until the unique index held the term's digest); this
step does nothing on a new database and has already run on existing ones.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from lexicon.services import lexicon_to_content
    from scanning import Lexicon

    LexiconVersion = apps.get_model("lexicon", "LexiconVersion")
    LexiconRule = apps.get_model("lexicon", "LexiconRule")
    if LexiconVersion.objects.exists():
        return
    lexicon = Lexicon.load()
    LexiconRule.objects.bulk_create(
        LexiconRule(
            term=r.term,
            category=r.category,
            rule_id=r.rule_id,
            severity=r.severity,
            mode=r.mode,
            exceptions="\n".join(r.exceptions),
            legal_basis=r.legal_basis,
            source=r.source,
            enabled=r.enabled,
        )
        for r in lexicon.rules
    )
    LexiconVersion.objects.create(
        number=1,
        note="shipped lexicon (seeded at installation)",
        fingerprint=lexicon.fingerprint,
        content=lexicon_to_content(lexicon),
        rule_count=len(lexicon.rules),
    )


class Migration(migrations.Migration):
    dependencies = [("lexicon", "0001_initial")]
    operations = []
