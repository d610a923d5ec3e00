from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The platform (audit, outbox, API plumbing, roles, calendar). Its label stays
    ``wsmonitor`` so that tables, migrations and permissions keep their names."""

    name = "core"
    label = "wsmonitor"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Make our Celery app the current one so that @shared_task binds to it in every process.
        from django.db.models.signals import post_migrate

        from core import checks  # noqa: F401  (registers the production checks)
        from core.signals import answer, role_permissions
        from wsmonitor import celery  # noqa: F401

        post_migrate.connect(_roles_after_migrate, dispatch_uid="wsmonitor.ensure_roles")
        _calendar_cache_follows_changes()

        answer(role_permissions, _holiday_permissions, uid="core.roles")


def _holiday_permissions() -> dict[str, list[str]]:
    """Supervisors enter each year's official holiday schedule (admin "Holiday schedules")."""
    return {
        "Regulator": ["wsmonitor.view_holidayschedule"],
        "Supervisor": [
            "wsmonitor.view_holidayschedule",
            "wsmonitor.add_holidayschedule",
            "wsmonitor.change_holidayschedule",
        ],
    }


def _calendar_cache_follows_changes() -> None:
    """The working-day calendar kept per process forgets its years when a schedule changes
    here; a change made in another process is seen by its version check."""
    from django.db.models.signals import post_delete, post_save

    from core.holidays import calendar_changed
    from core.models import HolidayDay, HolidaySchedule
    from core.workdays import calendar_cache_clear

    calendar_changed.connect(calendar_cache_clear, dispatch_uid="wsmonitor.calendar_cache")
    for model in (HolidaySchedule, HolidayDay):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                calendar_cache_clear,
                sender=model,
                dispatch_uid=f"wsmonitor.calendar_cache.{name}.{model.__name__}",
            )


def _roles_after_migrate(sender, **kwargs) -> None:
    """Give the roles their permissions once the apps' permissions exist (post_migrate is sent
    per app after its permissions are created; ``ensure_roles`` is idempotent, so the last call
    sees them all)."""
    from core.roles import ensure_roles

    ensure_roles()
