"""Regulator admin for campaigns: the snapshots side by side with changed terms marked, the
breaches (with an action to open a 举报 case), and the redemption reports.

Thin: lists come from ``campaigns.selectors`` limited to the user's regions; every write calls a
service. Snapshots are evidence and are never edited here; a correction is a new snapshot.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import JSONField, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from campaigns import selectors, services
from campaigns.chain import verify_campaign
from campaigns.excuses import EXCUSE_LABELS
from campaigns.forms import CorrectTermsForm
from campaigns.models import Breach, Campaign, RedemptionReport
from core.audit import client_ip
from core.errors import ServiceError
from core.roles import region_prefixes
from merchants.highlight import highlight
from merchants.models import MerchantAccount


def _readable(field):
    """A read-only field as a regulator should read it: a platform by its Chinese name, a list
    as 、-joined items, excuse codes by their labels — never a JSON list or a code."""

    platforms = dict(MerchantAccount.Platform.choices)

    def show(obj):
        value = getattr(obj, field.name)
        if field.name == "platform":
            return platforms.get(value, value) or "—"
        if field.name == "excuses":
            return "、".join(str(EXCUSE_LABELS.get(v, v)) for v in value or []) or "—"
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value) or "—"
        return value if value not in (None, "") else "—"

    show.short_description = field.verbose_name
    show.__name__ = field.name
    return show


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        names = []
        for f in self.model._meta.fields:
            if isinstance(f, JSONField) or f.name == "platform":
                setattr(self, f"{f.name}_shown", _readable(f))
                names.append(f"{f.name}_shown")
            else:
                names.append(f.name)
        return names

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)  # every field shown, none editable


def _rate(campaign) -> str:
    rate = selectors.honour_rate(campaign)
    return "—" if rate is None else f"{round(rate * 100)}%"


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    change_form_template = "admin/campaigns/campaign/change_form.html"
    list_display = [
        "title",
        "merchant",
        "status",
        "likes_required",
        "gift",
        "deadline",
        "breaches_shown",
        "honour_shown",
        "honour_flagged",
        "created_at",
    ]
    list_filter = ["status", "honour_flagged"]
    search_fields = ["title", "handle", "merchant__display_name", "public_id"]
    list_select_related = ["merchant"]
    actions = ["mark_honoured", "mark_partly_honoured", "mark_dishonoured", "mark_withdrawn"]

    def get_queryset(self, request) -> QuerySet:
        return selectors.campaigns_visible(region_prefixes(request.user))

    @admin.display(description=_("breaches"), ordering="breach_count")
    def breaches_shown(self, obj) -> int:
        return obj.breach_count

    @admin.display(description=_("honour rate"))
    def honour_shown(self, obj) -> str:
        return f"{_rate(obj)} ({obj.received_count}/{obj.report_count})"

    def _mark(self, request, queryset, status):
        for campaign in queryset:
            services.campaign_set_status(campaign=campaign, status=status, actor=request.user)
        self.message_user(request, _("Status recorded."), messages.SUCCESS)

    @admin.action(description=_("Record outcome: honoured"), permissions=["change"])
    def mark_honoured(self, request, queryset):
        self._mark(request, queryset, Campaign.Status.HONOURED)

    @admin.action(description=_("Record outcome: partly honoured"), permissions=["change"])
    def mark_partly_honoured(self, request, queryset):
        self._mark(request, queryset, Campaign.Status.PARTLY_HONOURED)

    @admin.action(description=_("Record outcome: dishonoured"), permissions=["change"])
    def mark_dishonoured(self, request, queryset):
        self._mark(request, queryset, Campaign.Status.DISHONOURED)

    @admin.action(description=_("Record outcome: withdrawn"), permissions=["change"])
    def mark_withdrawn(self, request, queryset):
        self._mark(request, queryset, Campaign.Status.WITHDRAWN)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if campaign is not None:
            columns = selectors.campaign_columns(campaign)
            extra.update(
                columns=[
                    {
                        "col": col,
                        "text": highlight(col.snapshot.raw_text, col.highlight_spans),
                        "correct_url": reverse(
                            "admin:campaigns_snapshot_correct",
                            args=[campaign.pk, col.snapshot.pk],
                        ),
                    }
                    for col in columns
                ],
                breaches=campaign.breaches.select_related(
                    "before_snapshot", "after_snapshot"
                ).order_by("after_snapshot__sequence", "id"),
                reports=campaign.reports.all()[:200],
                honour=services.honour_compute(campaign),
                chain_breaks=list(verify_campaign(campaign)),
                can_act=self.has_change_permission(request, campaign),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_urls(self):
        own = [
            path(
                "<int:campaign_id>/snapshots/<int:snapshot_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="campaigns_snapshot_correct",
            ),
            path(
                "<int:campaign_id>/breaches/<int:breach_id>/open-report/",
                self.admin_site.admin_view(require_POST(self.open_report_view)),
                name="campaigns_breach_open_report",
            ),
        ]
        return own + super().get_urls()

    def _visible_campaign(self, request, campaign_id: int) -> Campaign:
        campaign = self.get_queryset(request).filter(pk=campaign_id).first()
        if campaign is None:
            raise Http404
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def correct_view(self, request, campaign_id: int, snapshot_id: int):
        campaign = self._visible_campaign(request, campaign_id)
        snapshot = campaign.snapshots.filter(pk=snapshot_id, corrects__isnull=True).first()
        if snapshot is None:
            raise Http404
        standing = dict(selectors.effective_terms(snapshot))
        if request.method == "POST":
            form = CorrectTermsForm(request.POST)
            if form.is_valid():
                try:
                    services.snapshot_correct(
                        snapshot=snapshot,
                        terms=form.terms(),
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        ip=client_ip(request),
                    )
                except ServiceError as exc:
                    form.add_error(None, exc.detail)
                else:
                    self.message_user(
                        request, _("Correction recorded as a new snapshot."), messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse("admin:campaigns_campaign_change", args=[campaign.pk])
                    )
        else:
            initial = dict(standing)
            initial["conditions"] = "\n".join(standing.get("conditions") or [])
            form = CorrectTermsForm(initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Correct the terms of snapshot #%(n)s") % {"n": snapshot.sequence},
            "campaign": campaign,
            "snapshot": snapshot,
            "form": form,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/correct.html", context)

    def open_report_view(self, request, campaign_id: int, breach_id: int):
        campaign = self._visible_campaign(request, campaign_id)
        breach = campaign.breaches.filter(pk=breach_id).first()
        if breach is None:
            raise Http404
        _open_reports(self, request, [breach])
        return HttpResponseRedirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))


def _open_reports(model_admin, request, breaches) -> None:
    for breach in breaches:
        try:
            number = services.breach_open_report(
                breach=breach, actor=request.user, ip=client_ip(request)
            )
        except ServiceError as exc:
            model_admin.message_user(request, exc.detail, messages.ERROR)
            continue
        model_admin.message_user(
            request,
            _("举报 case %(number)s opened for: %(breach)s")
            % {"number": number, "breach": breach.explanation},
            messages.SUCCESS,
        )


@admin.register(Breach)
class BreachAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "explanation",
        "campaign_link",
        "kind",
        "snapshots",
        "detected_at",
        "active",
        "report_tracking_number",
    ]
    list_filter = ["kind", ("retracted_at", admin.EmptyFieldListFilter)]
    search_fields = ["explanation", "campaign__title", "report_tracking_number"]
    list_select_related = ["campaign", "before_snapshot", "after_snapshot"]
    actions = ["open_report"]

    def get_queryset(self, request) -> QuerySet:
        return selectors.breaches_visible(region_prefixes(request.user))

    @admin.display(description=_("campaign"))
    def campaign_link(self, obj):
        url = reverse("admin:campaigns_campaign_change", args=[obj.campaign_id])
        return format_html('<a href="{}">{}</a>', url, obj.campaign.title)

    @admin.display(description=_("proved by snapshots"))
    def snapshots(self, obj) -> str:
        return f"#{obj.before_snapshot.sequence} → #{obj.after_snapshot.sequence}"

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj) -> bool:
        return obj.retracted_at is None

    def has_open_report_permission(self, request) -> bool:
        return request.user.has_perm("campaigns.change_campaign")

    @admin.action(
        description=_("Open a 举报 case from the selected breaches"), permissions=["open_report"]
    )
    def open_report(self, request, queryset):
        _open_reports(self, request, list(queryset.select_related("campaign__merchant")))


@admin.register(RedemptionReport)
class RedemptionReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "submitted_at",
        "campaign",
        "outcome",
        "likes_collected",
        "collected_on",
        "excuses_shown",
        "source",
    ]
    list_filter = ["outcome", "source"]
    search_fields = ["campaign__title", "excuse_text"]
    list_select_related = ["campaign"]

    def get_queryset(self, request) -> QuerySet:
        return selectors.reports_visible(region_prefixes(request.user))

    @admin.display(description=_("excuses"))
    def excuses_shown(self, obj) -> str:
        return "、".join(EXCUSE_LABELS.get(code, code) for code in obj.excuses or [])
