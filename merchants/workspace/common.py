"""What the workspace's admin pages share: region scoping, the export actions, the finding-review
and action forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.audit import client_ip
from merchants import actions as svc
from merchants import exports
from merchants.models import (
    EnforcementAction,
    Finding,
)

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
