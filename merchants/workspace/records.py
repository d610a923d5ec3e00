"""The dashboard and the workspace's records: enforcement actions, consumer warnings, lexicon
exception proposals, background exports."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log, client_ip
from core.errors import ServiceError
from core.roles import region_allows, region_prefixes, region_q
from merchants import actions as svc
from merchants import dashboard
from merchants.highlight import highlight
from merchants.models import (
    ConsumerWarning,
    Dashboard,
    EnforcementAction,
    ExceptionProposal,
    ExportJob,
)
from merchants.workspace.common import WORKSPACE_MEDIA, RegionScopedAdmin, export_actions


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    """The admin index lists this as "Dashboard"; its page is the dashboard itself."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="merchants_dashboard_changelist",
            )
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        prefixes = region_prefixes(request.user)
        key = request.GET.get("csv")
        if key:
            chart = dashboard.dashboard_chart(prefixes, key)
            if chart is None or chart["missing_source"]:
                raise Http404
            response = HttpResponse(
                "\ufeff" + dashboard.chart_csv(chart), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="dashboard-{key}.csv"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Dashboard"),
            "charts": dashboard.dashboard_charts(prefixes),
            "since": dashboard.dashboard_since(),
            "media": self.media + WORKSPACE_MEDIA,
        }
        return TemplateResponse(request, "merchants/admin/dashboard.html", context)


@admin.register(EnforcementAction)
class EnforcementActionAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = (
        "created_at", "merchant", "kind", "department", "due_on", "closed_at", "actor",
    )  # fmt: skip
    list_filter = ("kind", "department")
    list_select_related = ("merchant", "actor")
    search_fields = ("merchant__display_name", "reason")
    readonly_fields = [f.name for f in EnforcementAction._meta.fields]
    actions = export_actions("actions")

    def get_queryset(self, request):
        return EnforcementAction.objects.filter(
            region_q(region_prefixes(request.user), "merchant__region_code")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConsumerWarningForm(forms.ModelForm):
    class Meta:
        model = ConsumerWarning
        fields = ["title", "body", "region_code", "issuer_name"]


@admin.register(ConsumerWarning)
class ConsumerWarningAdmin(RegionScopedAdmin, admin.ModelAdmin):
    """Drafted from the public-notice template (the merchant page's "draft a consumer warning"
    or a warning action), edited here, previewed as the public will see it, and published by a
    supervisor after a confirmation page — never from the list in one click."""

    form = ConsumerWarningForm
    list_display = ("title", "merchant", "region_code", "state", "created_at", "published_at")
    list_filter = ("state",)
    search_fields = ("title", "body")
    actions = ["withdraw_selected"]
    change_form_template = "merchants/admin/warning_change_form.html"

    def get_queryset(self, request):
        return ConsumerWarning.objects.filter(
            region_q(region_prefixes(request.user), "region_code")
        )

    def get_readonly_fields(self, request, obj=None):
        base = ["state", "merchant", "created_by", "created_at", "published_by", "published_at"]
        if obj is not None and obj.state != ConsumerWarning.State.DRAFT:
            return [*base, "title", "body", "region_code", "issuer_name"]
        return base

    def get_fields(self, request, obj=None):
        return [
            "title",
            "body",
            "region_code",
            "issuer_name",
            *self.get_readonly_fields(request, obj),
        ]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/preview/", view(self.preview_view),
                 name="merchants_consumerwarning_preview"),
            path("<int:object_id>/publish/", view(self.publish_view),
                 name="merchants_consumerwarning_publish"),
            *super().get_urls(),
        ]  # fmt: skip

    def preview_view(self, request, object_id):
        """The draft in the public page's own template, marked as a preview."""
        warning = self._visible_or_404(request, object_id)
        return TemplateResponse(
            request, "merchants/warning_detail.html", {"warning": warning, "preview": True}
        )

    def publish_view(self, request, object_id):
        warning = self._visible_or_404(request, object_id)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                svc.warning_publish(warning=warning, actor=request.user, ip=client_ip(request))
            except ServiceError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("Published: %s") % warning)
                return redirect(reverse("merchants:warning", args=[warning.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": warning,
            "warning": warning,
            "title": _("Publish this consumer warning?"),
        }
        return TemplateResponse(request, "merchants/admin/warning_publish.html", context)

    def save_model(self, request, obj, form, change):
        prefixes = region_prefixes(request.user)
        code = form.cleaned_data["region_code"]
        if not region_allows(prefixes, code):
            raise PermissionDenied
        if change:
            super().save_model(request, obj, form, change)
            return
        warning = svc.warning_draft(
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            region_code=code,
            ip=client_ip(request),
        )
        obj.pk = warning.pk

    @admin.action(description=_("Withdraw selected warnings"), permissions=["publish"])
    def withdraw_selected(self, request, queryset):
        for warning in queryset:
            try:
                svc.warning_withdraw(
                    warning=warning,
                    actor=request.user,
                    reason=str(_("withdrawn from the admin")),
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                self.message_user(request, f"{warning}: {exc.detail}", messages.WARNING)

    def has_publish_permission(self, request):
        return request.user.has_perm("merchants.publish_consumerwarning")


@admin.register(ExceptionProposal)
class ExceptionProposalAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ("phrase", "term", "rule_id", "state", "proposed_by", "proposed_at")
    list_filter = ("state", "rule_id")
    fields = (
        "phrase", "term", "rule_id", "reason", "finding_context", "state", "proposed_by",
        "proposed_at", "decided_by", "decided_at", "lexicon_version",
    )  # fmt: skip
    actions = ["approve_selected", "reject_selected"]

    def get_queryset(self, request):
        return ExceptionProposal.objects.filter(
            region_q(region_prefixes(request.user), "finding__post__merchant__region_code")
        ).select_related("finding__post")

    def get_readonly_fields(self, request, obj=None):
        ro = [f for f in self.fields if f != "phrase"]
        if obj is not None and obj.state != ExceptionProposal.State.PENDING:
            ro.append("phrase")
        return ro

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("where it matched"))
    def finding_context(self, obj):
        f = obj.finding

        return format_html(
            '<div class="post-text">{}</div>',
            highlight(f.post.text, [(f.start, f.end, f.rule)]),
        )

    @admin.action(
        description=_("Approve selected (publishes a lexicon version)"), permissions=["decide"]
    )
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject selected"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve):
        for proposal in queryset:
            try:
                svc.exception_decide(
                    proposal=proposal, actor=request.user, approve=approve, ip=client_ip(request)
                )
            except ServiceError as exc:
                self.message_user(request, f"{proposal}: {exc.detail}", messages.WARNING)
            else:
                self.message_user(request, f"{proposal}: {proposal.get_state_display()}")

    def has_decide_permission(self, request):
        return request.user.has_perm("merchants.decide_exceptionproposal")


EXPORT_KIND_LABELS = {
    "merchants": _("Merchants"),
    "queue": _("Review queue"),
    "findings": _("Findings"),
    "posts": _("Posts"),
    "actions": _("Enforcement actions"),
}


@admin.register(ExportJob)
class ExportJobAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = ("id", "kind_shown", "format", "state", "progress", "created_at", "download")
    list_filter = ("state",)
    readonly_fields = (
        "kind_shown", "format", "state", "progress", "mask_pii", "created_at", "finished_at",
        "last_error", "download",
    )  # fmt: skip

    @admin.display(description=_("list"), ordering="kind")
    def kind_shown(self, job):
        return EXPORT_KIND_LABELS.get(job.kind, job.kind)

    fields = readonly_fields

    def get_queryset(self, request):
        qs = ExportJob.objects.all()
        return qs if request.user.is_superuser else qs.filter(requested_by=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="merchants_exportjob_download",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("progress"))
    def progress(self, job):
        return format_html(
            '<progress max="100" value="{}"></progress> {}/{} ({}%)',
            job.percent,
            job.done,
            job.total,
            job.percent,
        )

    @admin.display(description=_("file"))
    def download(self, job):
        if job.state != ExportJob.State.DONE or not job.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:merchants_exportjob_download", args=[job.pk]),
            _("Download"),
        )

    def download_view(self, request, object_id):
        job = self._visible_or_404(request, object_id)
        if job.state != ExportJob.State.DONE or not job.file:
            raise Http404

        audit_log("export.downloaded", actor=request.user, target=job, ip=client_ip(request))
        response = FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
        )
        response["Cache-Control"] = "private, no-store"
        return response
