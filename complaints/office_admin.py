"""Admin for the handling offices (``complaints.models.Office``) that receipts and case pages
name: operators and supervisors enter each region's office, telephone, address and hours.
Registered from ``ComplaintsConfig.ready``; every change is audited."""

from django.contrib import admin

from complaints.models import Office
from core.audit import audit_log, client_ip


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("region_code", "name", "phone", "hours", "active")
    list_filter = ("active",)
    search_fields = ("region_code", "name", "phone")
    ordering = ("region_code",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(
            "complaint.office_saved",
            actor=request.user,
            target=obj,
            ip=client_ip(request),
            data={"region_code": obj.region_code, "name": obj.name, "phone": obj.phone,
                  "changed": list(form.changed_data)},
        )  # fmt: skip

    def delete_model(self, request, obj):
        audit_log(
            "complaint.office_deleted",
            actor=request.user,
            target=obj,
            ip=client_ip(request),
            data={"region_code": obj.region_code, "name": obj.name},
        )
        super().delete_model(request, obj)
