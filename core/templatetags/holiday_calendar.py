"""``{% holiday_schedule_reminder %}``: from 1 November (and all year while the current year is
missing), staff pages say that next year's official holiday schedule has not been entered."""

from django import template
from django.urls import reverse

from core.holidays import missing_schedule_year

register = template.Library()


@register.inclusion_tag("wsmonitor/admin/holiday_reminder.html", takes_context=True)
def holiday_schedule_reminder(context):
    year = missing_schedule_year()
    request = context.get("request")
    user = getattr(request, "user", None)
    can_enter = bool(user and user.has_perm("wsmonitor.add_holidayschedule"))
    return {
        "year": year,
        "add_url": reverse("admin:wsmonitor_holidayschedule_add") if can_enter else "",
    }
