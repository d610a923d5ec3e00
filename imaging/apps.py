from django.apps import AppConfig

_READ = ["imaging.view_imagetext", "imaging.view_identifier"]


class ImagingConfig(AppConfig):
    name = "imaging"
    verbose_name = "图片文字与二维码"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.roles import EXTRA_ROLE_PERMISSIONS
        from imaging import signals
        from imaging.selectors import merchant_timeline
        from merchants.providers import timeline_providers

        signals.connect()
        if merchant_timeline not in timeline_providers:
            timeline_providers.append(merchant_timeline)
        for role in ("Regulator", "Supervisor"):
            EXTRA_ROLE_PERMISSIONS.setdefault(role, []).extend(
                [*_READ, "imaging.confirm_transcription"]
            )
        EXTRA_ROLE_PERMISSIONS.setdefault("Auditor", []).extend(_READ)
