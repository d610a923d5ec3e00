from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0002_seed_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='provisional_deadlines',
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name='provisional deadlines'),
        ),
    ]
