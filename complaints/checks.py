"""System checks that make a missing working-day calendar loud before it bites."""

import datetime

from django.core.checks import Error, Warning, register
from django.utils import timezone

from wsmonitor.workdays import last_year

HINT = (
    "Upgrade the chinesecalendar package once the State Council publishes the next holiday "
    "schedule (docs/complaints.md)."
)


@register()
def calendar_covers_deadlines(app_configs=None, **kwargs):
    """Error: today's year is unknown (no deadline can be computed). Warning: acceptance and
    verification deadlines (≤ about 30 days ahead) will soon be. Longer deadlines (45-working-day
    mediation) that reach an unknown year are flagged on the case and logged as errors."""
    today = timezone.localdate()
    known = last_year()
    if today.year > known:
        return [
            Error(
                f"chinesecalendar knows working days only up to {known}: no statutory deadline "
                "can be computed; new cases are flagged 'deadline unknown'.",
                hint=HINT,
                id="complaints.E001",
            )
        ]
    if (today + datetime.timedelta(days=30)).year > known:
        return [
            Warning(
                f"chinesecalendar knows working days only up to {known}: acceptance and "
                "verification deadlines will soon reach beyond it and be flagged "
                "'deadline unknown'.",
                hint=HINT,
                id="complaints.W001",
            )
        ]
    return []
