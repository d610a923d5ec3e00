from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WsmonitorConfig(AppConfig):
    name = "wsmonitor"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make our Celery app the current one so that @shared_task binds to it in every process.
        from wsmonitor import celery  # noqa: F401
