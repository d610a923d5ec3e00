from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from lexicon.models import LexiconRule, LexiconVersion
from lexicon.services import rule_save, rule_validate, rules_change


class LexiconRuleForm(forms.ModelForm):
    class Meta:
        model = LexiconRule
        fields = [
            "term", "category", "rule_id", "severity", "mode", "exceptions", "legal_basis",
            "source", "enabled",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = LexiconRule(**{k: v for k, v in cleaned.items() if k in self.Meta.fields})
        try:
            rule_validate(candidate)
        except ServiceError as exc:
            raise forms.ValidationError(exc.detail) from None
        return cleaned


@admin.register(LexiconRule)
class LexiconRuleAdmin(admin.ModelAdmin):
    form = LexiconRuleForm
    list_display = ("term", "category", "rule_id", "severity", "mode", "enabled", "updated_at")
    list_filter = ("category", "mode", "enabled", "severity")
    search_fields = ("term", "rule_id", "exceptions", "source")
    actions = ["disable_rules", "enable_rules"]

    def save_model(self, request, obj, form, change):
        try:
            version = rule_save(row=obj, actor=request.user)
        except ServiceError as exc:  # the rule with the others: nothing was saved
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self._published(request, version)

    def delete_model(self, request, obj):
        self._change(request, LexiconRule.objects.filter(pk=obj.pk), delete=True)

    def delete_queryset(self, request, queryset):
        self._change(request, queryset, delete=True)

    @admin.action(description=_("Disable selected rules (creates a new lexicon version)"))
    def disable_rules(self, request, queryset):
        self._change(request, queryset, enabled=False)

    @admin.action(description=_("Enable selected rules (creates a new lexicon version)"))
    def enable_rules(self, request, queryset):
        self._change(request, queryset, enabled=True)

    def _change(self, request, queryset, **change) -> None:
        try:
            version, _count = rules_change(rules=queryset, actor=request.user, **change)
        except ServiceError as exc:  # nothing was changed: the lexicon still publishes
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self._published(request, version)

    def _published(self, request, version) -> None:
        self.message_user(
            request,
            _(
                "Lexicon version v%(n)s is active. Stored posts keep their findings until you "
                "start a rescan (Lexicon › Rescans)."
            )
            % {"n": version.number},
            messages.SUCCESS,
        )


@admin.register(LexiconVersion)
class LexiconVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "created_at", "created_by", "rule_count", "note")
    readonly_fields = ("number", "created_at", "created_by", "rule_count", "note", "fingerprint")
    exclude = ("content",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
