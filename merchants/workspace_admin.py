"""The regulator workspace in the admin: the review queue, the merchant page (timeline, finding
reviews, claims, enforcement actions), the dashboard, consumer warnings, lexicon exception
proposals and background exports. Thin: every write goes through ``merchants.actions`` or
``merchants.exports``; every read through ``merchants.selectors`` with the user's regions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core.admin import my_work_providers
from core.audit import audit_log, client_ip
from core.documents import pdf_response
from core.errors import ServiceError
from core.regions import region_label
from core.roles import region_prefixes, region_q
from merchants import actions as svc
from merchants import dashboard, exports
from merchants.highlight import highlight
from merchants.models import (
    ConsumerWarning,
    Dashboard,
    EnforcementAction,
    ExceptionProposal,
    ExportJob,
    Finding,
    MerchantClaim,
    ReviewQueueEntry,
    RiskComponent,
)
from merchants.risk import CATEGORY_LABELS, risk_breakdown
from merchants.selectors import (
    COMPLAINT_SOURCES,
    merchant_timeline,
    merchants_visible,
    review_queue,
    review_queue_filtered,
)
from merchants.uscc import uscc_problem

WORKSPACE_MEDIA = forms.Media(css={"all": ["merchants/workspace.css"]})


class RegionScopedAdmin:
    """Detail URLs outside the user's regions answer 404 (never a redirect or 403), so a
    guessed id does not reveal that a row exists."""

    def _visible_or_404(self, request, object_id):
        try:
            return self.get_queryset(request).get(pk=int(object_id))
        except (ObjectDoesNotExist, TypeError, ValueError):
            raise Http404 from None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._visible_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)


def export_actions(kind: str) -> list:
    """Admin actions exporting the selected rows as CSV or XLSX, in the background."""

    def make(fmt: str):
        def action(modeladmin, request, queryset):
            job = exports.export_request(
                kind=kind,
                fmt=fmt,
                ids=list(queryset.values_list("pk", flat=True)),
                actor=request.user,
                ip=client_ip(request),
            )
            modeladmin.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Export queued; personal data is masked."),
                    reverse("admin:merchants_exportjob_change", args=[job.pk]),
                    _("Follow its progress"),
                ),
                messages.SUCCESS,
            )

        action.__name__ = f"export_{fmt}"
        action.short_description = _("Export selected as %(fmt)s (background, masked)") % {
            "fmt": fmt.upper()
        }
        return action

    return [make("csv"), make("xlsx")]


# --- forms ----------------------------------------------------------------------------------------


class FindingReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[
            (Finding.Review.CONFIRMED, _("Confirm")),
            (Finding.Review.DISMISSED, _("Dismiss")),
        ],
    )
    reason_code = forms.ChoiceField(
        label=_("why dismissed"),
        required=False,
        choices=[("", "—"), *svc.DISMISS_REASONS.items()],
    )
    reason = forms.CharField(label=_("reason"), max_length=400, required=False)


class ActionForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ChoiceField(
        label=_("department"),
        required=False,
        choices=[("", "—"), *EnforcementAction.Department.choices],
    )
    due_on = forms.DateField(
        label=_("answer due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=_("notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Generated from the template; edit before issuing if needed."),
    )
    draft_public_warning = forms.BooleanField(
        label=_("Also draft a public consumer warning (a supervisor publishes it)"),
        required=False,
    )
    platform = forms.ChoiceField(
        label=_("platform the letter goes to"),
        choices=list(svc.PLATFORMS.items()),
        initial="wechat",
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != EnforcementAction.Kind.FREEZE_REQUEST:
            del self.fields["platform"]
        if kind != EnforcementAction.Kind.REFERRAL:
            del self.fields["department"]
            del self.fields["due_on"]
        else:
            self.fields["department"].required = True
            self.fields["due_on"].required = True
        if kind != EnforcementAction.Kind.WARNING:
            del self.fields["text"]
            del self.fields["draft_public_warning"]


# --- the merchant page ----------------------------------------------------------------------------


class WorkspaceMerchantMixin:
    """Adds the workspace to the merchant change view: the risk breakdown, the claim, the
    action buttons and one timeline with highlighted findings and their review forms."""

    change_form_template = "merchants/admin/merchant_change_form.html"

    @property
    def media(self):
        return super().media + WORKSPACE_MEDIA

    def get_inline_instances(self, request, obj=None):
        """The risk breakdown is the table at the top of the page, in words; the raw rows
        (source codes and signed points) are not shown again below it."""

        return [
            i for i in super().get_inline_instances(request, obj) if i.model is not RiskComponent
        ]

    def get_queryset(self, request):
        return merchants_visible(region_prefixes(request.user))

    @admin.display(description=_("USCC validity"))
    def uscc_validity(self, merchant):
        if not merchant.uscc:
            return _("none given")
        problem = uscc_problem(merchant.uscc)
        return format_html("✗ {}", problem) if problem else "✓ " + str(_("valid check character"))

    def get_urls(self):
        view = self.admin_site.admin_view
        mine = [
            path("<int:object_id>/claim/", view(self.claim_view), name="merchants_merchant_claim"),
            path(
                "<int:object_id>/findings/<int:finding_id>/review/",
                view(self.review_view),
                name="merchants_merchant_review",
            ),
            path(
                "<int:object_id>/act/<str:kind>/",
                view(self.act_view),
                name="merchants_merchant_act",
            ),
            path(
                "<int:object_id>/referrals/<int:action_id>/close/",
                view(self.referral_close_view),
                name="merchants_merchant_referral_close",
            ),
            path(
                "<int:object_id>/draft-warning/",
                view(self.draft_warning_view),
                name="merchants_merchant_draft_warning",
            ),
            path(
                "<int:object_id>/freeze/<int:action_id>/reply/",
                view(self.freeze_reply_view),
                name="merchants_merchant_freeze_reply",
            ),
            path(
                "<int:object_id>/documents/<int:document_id>/pdf/",
                view(self.document_pdf_view),
                name="merchants_merchant_document_pdf",
            ),
        ]
        return mine + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        merchant = self._visible_or_404(request, object_id)
        holder = svc.claim_holder(merchant)
        can_act = request.user.has_perm("merchants.act_on_merchant")
        extra = {
            **(extra_context or {}),
            "ws_merchant": merchant,
            "ws_breakdown": risk_breakdown(merchant),
            "ws_claim": MerchantClaim.objects.filter(
                merchant=merchant, expires_at__gt=timezone.now()
            ).first(),
            "ws_blocked": holder is not None and holder.pk != request.user.pk,
            "ws_can_act": can_act,
            "ws_timeline": _labelled(merchant_timeline(merchant, request.user)),
            "ws_review_form": FindingReviewForm(),
            "ws_action_kinds": [
                (k, label)
                for k, label in EnforcementAction.Kind.choices
                if merchant.status in svc.TRANSITIONS[k][0]
            ],
            "ws_open_referrals": EnforcementAction.objects.filter(
                merchant=merchant, kind=EnforcementAction.Kind.REFERRAL, closed_at__isnull=True
            ),
            "ws_open_freezes": EnforcementAction.objects.filter(
                merchant=merchant,
                kind=EnforcementAction.Kind.FREEZE_REQUEST,
                closed_at__isnull=True,
            ),
            "ws_documents": svc.action_documents(merchant),
            "ws_can_take_over": holder is not None
            and holder.pk != request.user.pk
            and can_act
            and (
                request.user.is_superuser or request.user.groups.filter(name="Supervisor").exists()
            ),
            "ws_category_labels": CATEGORY_LABELS,
            "ws_uscc_validity": self.uscc_validity(merchant),
            "ws_today": timezone.localdate(),
            "ws_region": region_label(merchant.region_code),
        }
        return super().change_view(request, object_id, form_url, extra)

    def _page(self, merchant) -> str:
        return reverse("admin:merchants_merchant_change", args=[merchant.pk])

    def claim_view(self, request, object_id):
        merchant = self._visible_or_404(request, object_id)
        if request.method != "POST":
            raise Http404
        try:
            if request.POST.get("release"):
                svc.claim_release(merchant=merchant, actor=request.user, ip=client_ip(request))
                messages.success(request, _("Claim released."))
            elif request.POST.get("take_over"):
                svc.claim_take_over(merchant=merchant, actor=request.user, ip=client_ip(request))
                messages.success(request, _("You took over the claim."))
            else:
                svc.claim_take(merchant=merchant, actor=request.user, ip=client_ip(request))
                messages.success(request, _("You are working on this merchant."))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = self._page(merchant)
        return HttpResponseRedirect(target)

    def review_view(self, request, object_id, finding_id):
        merchant = self._visible_or_404(request, object_id)
        if request.method != "POST":
            raise Http404
        finding = Finding.objects.filter(pk=finding_id, post__merchant=merchant).first()
        if finding is None:
            raise Http404
        form = FindingReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision."))
        else:
            try:
                svc.finding_review(
                    finding=finding,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    reason_code=form.cleaned_data["reason_code"],
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("Finding reviewed."))
        return redirect(f"{self._page(merchant)}#finding-{finding.pk}")

    def act_view(self, request, object_id, kind):
        merchant = self._visible_or_404(request, object_id)
        if kind not in EnforcementAction.Kind.values:
            raise Http404
        if not request.user.has_perm("merchants.act_on_merchant"):
            raise PermissionDenied
        initial = {}
        if kind == EnforcementAction.Kind.WARNING:
            initial["text"] = svc.warning_text(merchant, reason="")
        form = ActionForm(request.POST or None, kind=kind, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                svc.action_take(
                    merchant=merchant,
                    actor=request.user,
                    data=svc.ActionInput(
                        kind=kind,
                        reason=data["reason"],
                        department=data.get("department", ""),
                        due_on=data.get("due_on"),
                        text=data.get("text", ""),
                        draft_public_warning=data.get("draft_public_warning", False),
                        platform=data.get("platform") or "wechat",
                    ),
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                # The service's field codes ("required") are for the API; the page shows the
                # service's own sentence once, above the form, and marks the field.
                form.add_error(None, exc.detail)
                for field in exc.fields:
                    if field in form.fields:
                        form.fields[field].widget.attrs["aria-invalid"] = "true"
            else:
                messages.success(
                    request,
                    _("%(action)s recorded.") % {"action": EnforcementAction.Kind(kind).label},
                )
                return redirect(self._page(merchant))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": merchant,
            "form": form,
            "kind": kind,
            "kind_label": EnforcementAction.Kind(kind).label,
            "media": self.media + form.media,
            "title": _("%(action)s · %(merchant)s")
            % {"action": EnforcementAction.Kind(kind).label, "merchant": merchant},
        }
        return TemplateResponse(request, "merchants/admin/action_form.html", context)

    def draft_warning_view(self, request, object_id):
        """A public 消费警示 about this merchant, drafted from the public-notice template."""
        merchant = self._visible_or_404(request, object_id)
        if request.method != "POST" or not request.user.has_perm("merchants.act_on_merchant"):
            raise Http404
        title, body = svc.public_warning_text(merchant)
        try:
            warning = svc.warning_draft(
                actor=request.user,
                title=title,
                body=body,
                merchant=merchant,
                region_code=merchant.region_code,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            messages.error(request, exc.detail)
            return redirect(self._page(merchant))
        messages.success(request, _("Draft saved: check the text, then preview it."))
        return redirect(reverse("admin:merchants_consumerwarning_change", args=[warning.pk]))

    def freeze_reply_view(self, request, object_id, action_id):
        merchant = self._visible_or_404(request, object_id)
        action = EnforcementAction.objects.filter(pk=action_id, merchant=merchant).first()
        if request.method != "POST" or action is None:
            raise Http404
        try:
            svc.freeze_reply(
                action=action,
                actor=request.user,
                reply=request.POST.get("reply", ""),
                ip=client_ip(request),
            )
            messages.success(request, _("The platform's reply is recorded."))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        return redirect(self._page(merchant))

    def document_pdf_view(self, request, object_id, document_id):
        merchant = self._visible_or_404(request, object_id)
        document = svc.action_documents(merchant).filter(pk=document_id).first()
        if document is None:
            raise Http404
        audit_log("document.printed", actor=request.user, target=merchant,
                  ip=client_ip(request), data={"number": document.number})  # fmt: skip
        return pdf_response(document)

    def referral_close_view(self, request, object_id, action_id):
        merchant = self._visible_or_404(request, object_id)
        action = EnforcementAction.objects.filter(pk=action_id, merchant=merchant).first()
        if request.method != "POST" or action is None:
            raise Http404
        try:
            svc.referral_close(
                action=action,
                actor=request.user,
                note=request.POST.get("note", ""),
                ip=client_ip(request),
            )
            messages.success(request, _("Referral closed."))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        return redirect(self._page(merchant))


def _labelled(timeline: list[dict]) -> list[dict]:
    """Each finding carries its category in words (the rule id stays as a tooltip)."""
    for entry in timeline:
        for f in entry.get("findings") or []:
            f.category_label = CATEGORY_LABELS.get(f.category, f.category)
    return timeline


# --- review queue ---------------------------------------------------------------------------------


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


# --- dashboard ------------------------------------------------------------------------------------


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


# --- enforcement actions, warnings, proposals, exports --------------------------------------------


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
        if prefixes is not None and not any(code.startswith(p) for p in prefixes):
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


# --- the regulator's home ("my work") ------------------------------------------------------------


def my_work_merchants(request) -> list[dict]:
    """The merchants I have claimed; for a supervisor also the others' claims (to take over)."""
    user = request.user
    if not user.has_perm("merchants.act_on_merchant"):
        return []
    now = timezone.now()
    active = MerchantClaim.objects.filter(expires_at__gt=now).select_related(
        "merchant", "claimed_by"
    )

    def row(claim, *, who=False):
        until = timezone.localtime(claim.expires_at).strftime("%H:%M")
        note = _("claimed until %(until)s") % {"until": until}
        if who:
            note = f"{claim.claimed_by.get_username()} · {note}"
        return {
            "label": claim.merchant.display_name,
            "url": reverse("admin:merchants_merchant_change", args=[claim.merchant_id]),
            "note": note,
            "late": False,
        }

    sections = [
        {
            "key": "claims",
            "title": _("Merchants I am working on"),
            "rows": [row(c) for c in active.filter(claimed_by=user).order_by("expires_at")],
            "empty": _("You have not claimed a merchant. Start from the review queue."),
            "link": {"url": reverse("admin:merchants_reviewqueueentry_changelist"),
                     "label": _("Review queue")},
        }
    ]  # fmt: skip
    if user.is_superuser or user.groups.filter(name="Supervisor").exists():
        others = active.exclude(claimed_by=user).filter(
            region_q(region_prefixes(user), "merchant__region_code")
        )
        sections.append(
            {
                "key": "others",
                "title": _("Merchants claimed by others (open one to take over)"),
                "rows": [row(c, who=True) for c in others.order_by("expires_at")[:20]],
                "empty": _("Nobody else holds a claim."),
            }
        )
    return sections


def _register_my_work() -> None:
    if my_work_merchants not in my_work_providers:
        my_work_providers.insert(0, my_work_merchants)


_register_my_work()
