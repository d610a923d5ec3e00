from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WsmonitorConfig(AppConfig):
    name = "wsmonitor"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make our Celery app the current one so that @shared_task binds to it in every process.
        from wsmonitor import (
            celery,  # noqa: F401
            checks,  # noqa: F401  (registers the production checks)
        )
        from wsmonitor.roles import EXTRA_ROLE_PERMISSIONS

        # Supervisors enter each year's official holiday schedule (admin "Holiday schedules").
        EXTRA_ROLE_PERMISSIONS.setdefault("Regulator", []).append("wsmonitor.view_holidayschedule")
        EXTRA_ROLE_PERMISSIONS.setdefault("Supervisor", []).extend(
            [
                "wsmonitor.view_holidayschedule",
                "wsmonitor.add_holidayschedule",
                "wsmonitor.change_holidayschedule",
            ]
        )
