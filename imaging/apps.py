from django.apps import AppConfig

_READ = ["imaging.view_imagetext", "imaging.view_identifier"]


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "图片文字与二维码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.signals import answer, role_permissions
        from imaging import signals
        from imaging.selectors import merchant_timeline
        from merchants.signals import timeline_items

        signals.connect()
        answer(timeline_items, merchant_timeline, uid="imaging.timeline")
        answer(role_permissions, _role_permissions, uid="imaging.roles")


def _role_permissions() -> dict[str, list[str]]:
    work = [*_READ, "imaging.confirm_transcription"]
    return {"Regulator": work, "Supervisor": work, "Auditor": _READ}
