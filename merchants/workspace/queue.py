"""The review queue: merchants ranked by risk, with its filters."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.roles import region_prefixes
from merchants.models import (
    ReviewQueueEntry,
)
from merchants.risk import CATEGORY_LABELS
from merchants.selectors import (
    COMPLAINT_SOURCES,
    review_queue,
    review_queue_filtered,
)
from merchants.workspace.common import WORKSPACE_MEDIA, RegionScopedAdmin, export_actions


class RegionFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        codes = (
            review_queue(region_prefixes(request.user))
            .order_by("region_code")
            .values_list("region_code", flat=True)
            .distinct()
        )
        cities = sorted({c[:4] + "00" for c in codes if c})
        return [(c[:4], c) for c in cities] + [(c, c) for c in sorted(set(codes)) if c]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(region_code__startswith=value) if value else queryset


class CategoryFilter(admin.SimpleListFilter):
    title = _("finding category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return list(CATEGORY_LABELS.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return review_queue_filtered(None, category=self.value()).filter(
            pk__in=queryset.values("pk")
        )


class _YesNoFilter(admin.SimpleListFilter):
    field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        kept = review_queue_filtered(None, **{self.field: self.value() == "yes"})
        return queryset.filter(pk__in=kept.values("pk"))


class HasComplaintsFilter(_YesNoFilter):
    title = _("has complaints")
    parameter_name = "complaints"
    field = "has_complaints"


class HasCampaignBreachFilter(_YesNoFilter):
    title = _("has a campaign breach")
    parameter_name = "campaign_breach"
    field = "has_campaign_breach"


class LastActivityFilter(admin.SimpleListFilter):
    title = _("last activity")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("1", _("last 24 hours")), ("7", _("last 7 days")), ("30", _("last 30 days"))]

    def queryset(self, request, queryset):
        if self.value() in ("1", "7", "30"):
            since = timezone.now() - timezone.timedelta(days=int(self.value()))
            return queryset.filter(last_activity_at__gte=since)
        return queryset


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(RegionScopedAdmin, admin.ModelAdmin):
    list_display = (
        "merchant_link", "region_code", "status", "risk_score", "breakdown", "open_findings",
        "claimed", "last_activity_at",
    )  # fmt: skip
    list_display_links = None
    list_filter = (
        RegionFilter,
        CategoryFilter,
        "status",
        HasComplaintsFilter,
        HasCampaignBreachFilter,
        LastActivityFilter,
    )
    search_fields = ("display_name", "accounts__handle_normalized")
    ordering = ("-risk_score", "id")
    actions = export_actions("queue")
    list_per_page = 50

    @property
    def media(self):
        return super().media + WORKSPACE_MEDIA

    def get_queryset(self, request):
        return (
            review_queue(region_prefixes(request.user))
            .select_related("claim__claimed_by")
            .prefetch_related("risk_parts")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._visible_or_404(request, object_id)
        return HttpResponseRedirect(reverse("admin:merchants_merchant_change", args=[object_id]))

    @admin.display(description=_("merchant"), ordering="display_name")
    def merchant_link(self, m):
        return format_html(
            '<a class="ws-merchant" href="{}">{}</a>',
            reverse("admin:merchants_merchant_change", args=[m.pk]),
            m.display_name,
        )

    @admin.display(description=_("why (risk breakdown)"))
    def breakdown(self, m):
        parts = sorted(m.risk_parts.all(), key=lambda p: -p.points)
        return format_html(
            '<ul class="ws-breakdown">{}</ul>',
            format_html_join(
                "",
                '<li title="{}"><b>{}</b> {}</li>',
                (
                    (
                        p.explanation,
                        f"{p.points:+.1f}",
                        CATEGORY_LABELS.get(p.key, p.key)
                        if p.source == "findings"
                        else _source_label(p.source),
                    )
                    for p in parts
                ),
            ),
        )

    @admin.display(description=_("open findings"), ordering="open_findings")
    def open_findings(self, m):
        return m.open_findings

    @admin.display(description=_("claimed by"))
    def claimed(self, m):
        claim = getattr(m, "claim", None)
        if claim is None or not claim.is_active:
            return "—"
        return format_html(
            "{} <small>({} {})</small>",
            claim.claimed_by.get_username(),
            _("until"),
            timezone.localtime(claim.expires_at).strftime("%H:%M"),
        )


def _source_label(source: str) -> str:
    labels = {
        "flood": _("posting flood"),
        "identity": _("no registration"),
    }
    if source in COMPLAINT_SOURCES:
        return str(_("complaints"))
    if source.startswith("campaign"):
        return str(_("campaign breach"))
    return str(labels.get(source, source))
