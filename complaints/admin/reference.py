"""The admin of the complaint office's reference data and suggestions: deadline rules, refusal
grounds, duplicate suggestions."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import selectors
from complaints.models import DeadlineRule, DuplicateSuggestion, RefusalGround


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("key", "working_days", "effective_from", "legal_source")
    list_filter = ("key",)


@admin.register(RefusalGround)
class RefusalGroundAdmin(admin.ModelAdmin):
    list_display = ("position", "code", "label", "legal_source", "effective_from", "active")
    list_display_links = ("code",)


@admin.register(DuplicateSuggestion)
class DuplicateSuggestionAdmin(admin.ModelAdmin):
    list_display = ("case_shown", "other_shown", "reason_shown", "decision_shown", "created_shown")
    list_filter = ("reason", "decision")
    readonly_fields = ("case", "other", "reason", "score", "decision", "created_at")

    @admin.display(description=_("case"), ordering="case")
    def case_shown(self, s):
        return s.case.tracking_number

    @admin.display(description=_("possible duplicate of"))
    def other_shown(self, s):
        return s.other.tracking_number

    @admin.display(description=_("why"), ordering="reason")
    def reason_shown(self, s):
        return s.get_reason_display()

    @admin.display(description=_("decision"), ordering="decision")
    def decision_shown(self, s):
        return s.get_decision_display()

    @admin.display(description=_("found at"), ordering="created_at")
    def created_shown(self, s):
        return timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")

    def get_queryset(self, request):
        visible = selectors.case_list(user=request.user)
        return DuplicateSuggestion.objects.filter(
            case__in=visible, other__in=visible
        ).select_related("case", "other")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
