"""A system check that makes a missing working-day calendar loud before it bites."""

from django.core.checks import Warning, register
from django.utils import timezone

from wsmonitor.workdays import last_year


@register()
def calendar_covers_deadlines(app_configs=None, **kwargs):
    # A 45-working-day mediation started today ends up to ~70 days later.
    horizon = (timezone.localdate() + timezone.timedelta(days=75)).year
    if last_year() < horizon:
        return [
            Warning(
                f"chinesecalendar knows working days only up to {last_year()}; deadlines "
                f"reaching into {horizon} cannot be computed and are flagged 'deadline unknown'.",
                hint="Upgrade the chinesecalendar package when the State Council publishes "
                "the next holiday schedule.",
                id="complaints.W001",
            )
        ]
    return []
