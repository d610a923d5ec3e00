from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WsmonitorConfig(AppConfig):
    name = "wsmonitor"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make our Celery app the current one so that @shared_task binds to it in every process.
        from django.db.models.signals import post_migrate

        from wsmonitor import (
            celery,  # noqa: F401
            checks,  # noqa: F401  (registers the production checks)
        )
        from wsmonitor.roles import EXTRA_ROLE_PERMISSIONS

        post_migrate.connect(_roles_after_migrate, dispatch_uid="wsmonitor.ensure_roles")

        # Supervisors enter each year's official holiday schedule (admin "Holiday schedules").
        EXTRA_ROLE_PERMISSIONS.setdefault("Regulator", []).append("wsmonitor.view_holidayschedule")
        EXTRA_ROLE_PERMISSIONS.setdefault("Supervisor", []).extend(
            [
                "wsmonitor.view_holidayschedule",
                "wsmonitor.add_holidayschedule",
                "wsmonitor.change_holidayschedule",
            ]
        )


def _roles_after_migrate(sender, **kwargs) -> None:
    """Give the roles their permissions once the apps' permissions exist (post_migrate is sent
    per app after its permissions are created; ``ensure_roles`` is idempotent, so the last call
    sees them all)."""
    from wsmonitor.roles import ensure_roles

    ensure_roles()
