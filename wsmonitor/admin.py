from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin

from wsmonitor.models import ApiToken, AuditEntry, OutboxMessage

admin.site.site_header = _("wsmonitor · WeChat-commerce monitoring")
admin.site.site_title = _("wsmonitor")
admin.site.index_title = _("Regulator workspace")
admin.site.index_template = "wsmonitor/admin/index.html"  # + the holiday-schedule reminder


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "target_type", "target_repr", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("action", "actor_label", "target_id", "target_repr")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "scopes", "regions", "last_used_at")
    fieldsets = (
        (None, {"fields": ("name", "prefix", "scopes", "regions", "contact")}),
        (_("Validity"), {"fields": ("expiry_date", "revoked", "last_used_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "last_used_at"]

    def save_model(self, request, obj, form, change):
        from wsmonitor.api.tokens import token_audit_admin_save

        super().save_model(request, obj, form, change)
        token_audit_admin_save(token=obj, actor=request.user, created=not change)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "task_name",
        "created_at",
        "published_at",
        "publish_attempts",
        "completed_at",
    )
    list_filter = ("task_name",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False


from wsmonitor import holiday_admin  # noqa: E402, F401  (registers HolidayScheduleAdmin)
