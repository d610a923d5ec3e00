"""Cases the WeChat account opened before ``Case.Source.WECHAT`` existed were recorded with
source ``web``: the message that opened each one (``opened_case``) says they came from WeChat."""

from django.db import migrations


def _opened_by_wechat(apps):
    WeChatMessage = apps.get_model("wechat", "WeChatMessage")
    return WeChatMessage.objects.filter(opened_case=True, case__isnull=False).values("case_id")


def forwards(apps, schema_editor):
    Case = apps.get_model("complaints", "Case")
    Case.objects.filter(pk__in=_opened_by_wechat(apps), source="web").update(source="wechat")


def backwards(apps, schema_editor):
    Case = apps.get_model("complaints", "Case")
    Case.objects.filter(pk__in=_opened_by_wechat(apps), source="wechat").update(source="web")


class Migration(migrations.Migration):
    dependencies = [("wechat", "0001_initial"), ("complaints", "0007_wechat_source")]
    operations = [migrations.RunPython(forwards, backwards)]
