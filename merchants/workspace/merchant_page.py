"""The merchant page: timeline, risk parts, finding reviews, claims and enforcement actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core.audit import audit_log, client_ip
from core.documents import pdf_response
from core.errors import ServiceError
from core.regions import region_label
from core.roles import region_prefixes
from merchants import actions as svc
from merchants.models import (
    EnforcementAction,
    Finding,
    MerchantClaim,
    RiskComponent,
)
from merchants.risk import CATEGORY_LABELS, risk_breakdown
from merchants.selectors import (
    merchant_timeline,
    merchants_visible,
)
from merchants.uscc import uscc_problem
from merchants.workspace.common import WORKSPACE_MEDIA, ActionForm, FindingReviewForm


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
