"""The admin page where an operator enters a year's official holiday schedule from the State
Council's notice. Saving calls ``core.holidays.holiday_schedule_enter`` (audited; open
deadlines are recomputed), never the model's own save."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.audit import client_ip
from core.errors import ValidationFailed
from core.holidays import holiday_schedule_enter, holiday_schedule_validate, parse_days
from core.models import HolidayDay, HolidaySchedule

DAYS_HELP = _(
    "One item per line, as in the notice: 2027-02-05:2027-02-12 春节 (a range, both ends "
    "included) or 2027-02-07. The festival's name is optional."
)


class HolidayScheduleForm(forms.ModelForm):
    days_off = forms.CharField(
        label=_("Days off (放假)"), widget=forms.Textarea(attrs={"rows": 8}), help_text=DAYS_HELP
    )
    days_worked = forms.CharField(
        label=_("Make-up working days (调休上班)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Saturdays or Sundays that are working days, one per line."),
    )

    source_url = forms.URLField(
        label=_("link to the notice"), required=False, assume_scheme="https", max_length=500
    )

    class Meta:
        model = HolidaySchedule
        fields = ["year", "source", "source_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
            days = list(self.instance.days.all())
            self.initial["days_off"] = _lines(d for d in days if d.kind == HolidayDay.Kind.HOLIDAY)
            self.initial["days_worked"] = _lines(
                d for d in days if d.kind == HolidayDay.Kind.WORKDAY
            )

    def clean(self):
        data = super().clean()
        try:
            data["parsed_off"] = parse_days(data.get("days_off", ""), what="放假日期")
            data["parsed_worked"] = parse_days(data.get("days_worked", ""), what="调休上班日期")
            if data.get("year"):
                holiday_schedule_validate(
                    year=data["year"],
                    days_off=data["parsed_off"],
                    days_worked=data["parsed_worked"],
                    source=data.get("source", ""),
                )
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.detail) from None
        return data

    def validate_unique(self):
        """A year entered twice is refused by the service with a clear message."""


def _lines(days) -> str:
    return "\n".join(f"{d.date.isoformat()} {d.name}".strip() for d in days)


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(admin.ModelAdmin):
    form = HolidayScheduleForm
    list_display = ("year", "source", "days_off_count", "days_worked_count", "entered_at",
                    "entered_by")  # fmt: skip
    readonly_fields = ("entered_at", "entered_by")
    change_list_template = "wsmonitor/admin/holiday_changelist.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("days")

    def get_changeform_initial_data(self, request):
        return {"year": request.GET.get("year", "")}

    @admin.display(description=_("days off"))
    def days_off_count(self, schedule):
        return sum(1 for d in schedule.days.all() if d.kind == HolidayDay.Kind.HOLIDAY)

    @admin.display(description=_("make-up working days"))
    def days_worked_count(self, schedule):
        return sum(1 for d in schedule.days.all() if d.kind == HolidayDay.Kind.WORKDAY)

    def has_delete_permission(self, request, obj=None):
        return False  # a year goes back to the provisional rule only by a code change

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        result = holiday_schedule_enter(
            year=obj.year,
            days_off=data["parsed_off"],
            days_worked=data["parsed_worked"],
            source=data["source"],
            source_url=data.get("source_url", ""),
            actor=request.user,
            ip=client_ip(request),
            replace=change,
        )
        saved = HolidaySchedule.objects.get(year=obj.year)
        obj.pk, obj.entered_at, obj.entered_by = saved.pk, saved.entered_at, saved.entered_by
        messages.success(request, result.summary())
        for warning in result.warnings:
            messages.warning(request, warning)

    def save_related(self, request, form, formsets, change):
        """The days were written by the service."""
