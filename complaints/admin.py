"""The regulators' workspace for complaints and reports. Every list is limited to the user's
jurisdiction through ``complaints.selectors``; every workflow step calls a service."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from complaints import rules, selectors, services
from complaints.models import Case, DeadlineRule, DuplicateSuggestion, RefusalGround
from complaints.pii import phone_blind_index
from wsmonitor.audit import audit_log, client_ip
from wsmonitor.errors import ServiceError, ValidationFailed

CSV_COLUMNS = [
    "tracking_number", "kind", "status", "category", "merchant", "region", "received_at",
    "deadline", "sla", "name", "phone", "amount_paid",
]  # fmt: skip
PII_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_address",
    "complainant_id_number",
    "complainant_email",
    "phone_index",
    "access_code_hash",
    "text_fingerprint",
)


class WorkflowForm(forms.Form):
    ACTIONS = [
        ("accept", _("Accept the complaint")),
        ("refuse", _("Do not accept (choose a ground)")),
        ("mediation_start", _("Start mediation")),
        ("mediation_pause", _("Pause mediation for testing/appraisal")),
        ("mediation_resume", _("Resume mediation")),
        ("agree", _("Agreement reached")),
        ("mediation_end", _("End mediation without agreement")),
        ("verify", _("Start verifying the report")),
        ("extend", _("Extend verification by 15 working days (once)")),
        ("open_case", _("Open a case (立案)")),
        ("not_opened", _("Do not open a case")),
        ("close", _("Close")),
        ("refer", _("Refer to another region or department")),
        ("assign", _("Assign to a regulator")),
        ("note", _("Add an internal note")),
        ("message", _("Send a message to the complainant")),
        ("release", _("Release from flood hold")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    ground = forms.ChoiceField(label=_("Refusal ground"), required=False)
    end_reason = forms.ChoiceField(
        label=_("Why mediation ended"),
        required=False,
        choices=[("", "—"), *services.MEDIATION_END_REASONS.items()],
    )
    region_code = forms.CharField(label=_("Refer to region code"), required=False, max_length=6)
    department = forms.CharField(label=_("Refer to department"), required=False, max_length=200)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), required=False, queryset=get_user_model().objects.none()
    )
    text = forms.CharField(
        label=_("Reason / note / message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "—")] + [
            (g.code, f"{g.label}（{g.legal_source}）") for g in rules.refusal_grounds()
        ]
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            is_staff=True, is_active=True
        )


def run_workflow(*, case: Case, actor, data: dict, ip=None) -> None:
    """Dispatch one workflow form to its service."""
    action, text = data["action"], data.get("text") or ""
    calls = {
        "accept": lambda: services.case_accept(case=case, actor=actor, ip=ip),
        "refuse": lambda: services.case_refuse(
            case=case, actor=actor, ground=data.get("ground") or "", reason=text, ip=ip
        ),
        "mediation_start": lambda: services.mediation_start(case=case, actor=actor, ip=ip),
        "mediation_pause": lambda: services.mediation_pause(
            case=case, actor=actor, reason=text, ip=ip
        ),
        "mediation_resume": lambda: services.mediation_resume(case=case, actor=actor, ip=ip),
        "agree": lambda: services.mediation_agree(case=case, actor=actor, summary=text, ip=ip),
        "mediation_end": lambda: services.mediation_end(
            case=case, actor=actor, reason=data.get("end_reason") or "", note=text, ip=ip
        ),
        "verify": lambda: services.verification_start(case=case, actor=actor, ip=ip),
        "extend": lambda: services.verification_extend(case=case, actor=actor, reason=text, ip=ip),
        "open_case": lambda: services.report_decide(
            case=case, actor=actor, open_case=True, reason=text, ip=ip
        ),
        "not_opened": lambda: services.report_decide(
            case=case, actor=actor, open_case=False, reason=text, ip=ip
        ),
        "close": lambda: services.case_close(case=case, actor=actor, note=text, ip=ip),
        "refer": lambda: services.case_refer(
            case=case,
            actor=actor,
            region_code=data.get("region_code") or "",
            department=data.get("department") or "",
            reason=text,
            ip=ip,
        ),
        "assign": lambda: _assign(case=case, actor=actor, assignee=data.get("assignee"), ip=ip),
        "note": lambda: services.case_note_add(case=case, actor=actor, body=text, ip=ip),
        "message": lambda: services.case_message_send(case=case, actor=actor, body=text, ip=ip),
        "release": lambda: services.case_release_hold(case=case, actor=actor, ip=ip),
    }
    calls[action]()


def _assign(*, case, actor, assignee, ip):
    if assignee is None:
        raise ValidationFailed(_("Choose an assignee."), fields={"assignee": ["required"]})
    return services.case_assign(case=case, actor=actor, assignee=assignee, ip=ip)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number", "kind", "status", "sla", "current_due_shown", "category",
        "merchant_label",
        "person_name", "person_phone", "region_code", "assignee", "held_for_review",
        "received_at",
    )  # fmt: skip
    list_filter = ("kind", "status", "sla", "held_for_review", "category", "source")
    search_fields = ("tracking_number", "merchant_wechat_id", "merchant_official_account",
                     "merchant_name")  # fmt: skip
    list_select_related = ("merchant", "assignee")
    # The deadline fields are shown through *_shown (date and 暂估 mark), never as inputs.
    exclude = (*PII_FIELDS, *services.DEADLINE_FIELDS, "current_due", "deadline_error",
               "provisional_deadlines")  # fmt: skip
    actions = ["accept_selected", "verify_selected", "close_selected", "export_csv"]
    change_form_template = "complaints/admin/case_change_form.html"

    def get_queryset(self, request):
        return selectors.case_list(user=request.user).select_related("merchant", "assignee")

    def get_readonly_fields(self, request, obj=None):
        shown = {f: f"{f}_shown" for f in services.DEADLINE_FIELDS}
        shown["current_due"] = "current_deadline_shown"
        return [
            shown.get(f.name, f.name)
            for f in Case._meta.fields
            if f.name not in PII_FIELDS
            and f.name not in ("provisional_deadlines", "deadline_error")
        ] + [
            "person_masked",
            "evidence_links",
            "history",
            "duplicates",
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_handle_permission(self, request):
        return request.user.has_perm("complaints.handle_case")

    def get_search_results(self, request, queryset, search_term):
        """A phone number is searched through its blind index (the column itself is encrypted)."""
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) >= 7 and len(digits) == len(search_term.replace(" ", "").lstrip("+")):
            return queryset.filter(phone_index=phone_blind_index(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self._visible(request, object_id)  # 404 outside the jurisdiction, no redirect
        extra = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "deadline_shown": _deadline_text(services.deadline_current(case)),
        }
        return super().change_view(request, object_id, form_url, extra)

    def _visible(self, request, object_id) -> Case:
        try:
            return selectors.case_get(user=request.user, pk=object_id)
        except ServiceError:
            raise Http404 from None

    def get_urls(self):
        urls = super().get_urls()
        mine = [
            path(
                "<path:object_id>/workflow/",
                self.admin_site.admin_view(self.workflow_view),
                name="complaints_case_workflow",
            ),
            path(
                "<path:object_id>/pii/",
                self.admin_site.admin_view(self.pii_view),
                name="complaints_case_pii",
            ),
            path(
                "<path:object_id>/duplicate/<int:suggestion_id>/",
                self.admin_site.admin_view(self.duplicate_view),
                name="complaints_case_duplicate",
            ),
        ]
        return mine + urls

    def workflow_view(self, request, object_id):
        case = self._visible(request, object_id)
        if not self.has_handle_permission(request):
            raise Http404
        form = WorkflowForm(request.POST or None, case=case)
        if request.method == "POST" and form.is_valid():
            try:
                run_workflow(
                    case=case, actor=request.user, data=form.cleaned_data, ip=client_ip(request)
                )
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("Done."))
                return redirect(reverse("admin:complaints_case_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "form": form,
            "title": _("Workflow · %(number)s") % {"number": case.tracking_number},
            "deadline_shown": _deadline_text(services.deadline_current(case)),
        }
        return TemplateResponse(request, "complaints/admin/workflow.html", context)

    def pii_view(self, request, object_id):
        """The audited "show personal data" button: a POST with a reason, never a GET."""
        case = self._visible(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "title": _("Personal data · %(number)s") % {"number": case.tracking_number},
        }
        if request.method == "POST":
            try:
                context["pii"] = services.case_pii_reveal(
                    case=case,
                    actor=request.user,
                    reason=request.POST.get("reason", "")[:300],
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                context["error"] = exc.detail
        response = TemplateResponse(request, "complaints/admin/pii.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def duplicate_view(self, request, object_id, suggestion_id):
        case = self._visible(request, object_id)
        if request.method != "POST" or not self.has_handle_permission(request):
            raise Http404
        suggestion = selectors.case_duplicates(user=request.user, case=case).filter(
            pk=suggestion_id
        )
        if not suggestion:
            raise Http404
        services.duplicate_decide(
            suggestion=suggestion[0],
            actor=request.user,
            link=request.POST.get("decision") == "link",
            ip=client_ip(request),
        )
        return redirect(reverse("admin:complaints_case_change", args=[case.pk]))

    def _bulk(self, request, queryset, service, **kwargs):
        done = 0
        for case in queryset:
            try:
                service(case=case, actor=request.user, ip=client_ip(request), **kwargs)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{case.tracking_number}: {exc.detail}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s case(s) updated.") % {"n": done})

    @admin.action(description=_("Accept selected complaints"), permissions=["handle"])
    def accept_selected(self, request, queryset):
        self._bulk(request, queryset, services.case_accept)

    @admin.action(description=_("Start verifying selected reports"), permissions=["handle"])
    def verify_selected(self, request, queryset):
        self._bulk(request, queryset, services.verification_start)

    @admin.action(description=_("Close selected cases"), permissions=["handle"])
    def close_selected(self, request, queryset):
        self._bulk(request, queryset, services.case_close)

    @admin.action(description=_("Export selected (CSV, personal data masked)"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for case in queryset:
            person = selectors.masked_person(case)
            writer.writerow([
                case.tracking_number, case.kind, case.status, case.category,
                self.merchant_label(case), case.region_code, case.received_at.isoformat(),
                case.current_due or "", case.sla, person["name"], person["phone"],
                case.amount_paid or "",
            ])  # fmt: skip
        audit_log("complaint.exported", actor=request.user, ip=client_ip(request),
                  data={"cases": queryset.count()})  # fmt: skip
        return response

    @admin.display(description=_("current deadline"), ordering="current_due")
    def current_due_shown(self, case):
        deadline = services.deadline_current(case)
        if deadline is None:
            return "—"
        if deadline.provisional:
            return format_html("{} <em>{}</em>", deadline.date, _("(provisional)"))
        return deadline.date

    @admin.display(description=_("current deadline"))
    def current_deadline_shown(self, case):
        return _deadline_text(services.deadline_current(case))

    @admin.display(description=_("acceptance due"))
    def acceptance_due_shown(self, case):
        return _deadline_text(services.deadline_of(case, "acceptance_due"))

    @admin.display(description=_("mediation due"))
    def mediation_due_shown(self, case):
        return _deadline_text(services.deadline_of(case, "mediation_due"))

    @admin.display(description=_("verification due"))
    def verification_due_shown(self, case):
        return _deadline_text(services.deadline_of(case, "verification_due"))

    @admin.display(description=_("reporter notice due"))
    def notice_due_shown(self, case):
        return _deadline_text(services.deadline_of(case, "notice_due"))

    @admin.display(description=_("merchant"))
    def merchant_label(self, case):
        return (
            case.merchant_name
            or case.merchant_wechat_id
            or case.merchant_official_account
            or case.merchant_phone
        )

    @admin.display(description=_("complainant"))
    def person_name(self, case):
        return selectors.masked_person(case)["name"]

    @admin.display(description=_("phone"))
    def person_phone(self, case):
        return selectors.masked_person(case)["phone"]

    @admin.display(description=_("complainant (masked)"))
    def person_masked(self, case):
        person = selectors.masked_person(case)
        return " · ".join(v for v in person.values() if v)

    @admin.display(description=_("evidence"))
    def evidence_links(self, case):
        rows = []
        for item in case.evidence.all():
            original = reverse("complaints:evidence_download", args=[item.pk, "original"])
            preview = reverse("complaints:evidence_download", args=[item.pk, "preview"])
            rows.append((item.original_name, item.kind, item.size, item.sha256, original,
                         preview if item.preview else original))  # fmt: skip
        return (
            format_html_join(
                "",
                '<p>{} ({}, {} B) <code>{}</code> · <a href="{}">original</a> · '
                '<a href="{}">preview</a></p>',
                rows,
            )
            or "—"
        )

    @admin.display(description=_("history"))
    def history(self, case):
        rows = [
            (e.created_at.strftime("%Y-%m-%d %H:%M"), e.get_kind_display(),
             "👁" if e.public else "🔒", e.body or f"{e.from_status} → {e.to_status}")
            for e in case.events.all()
        ]  # fmt: skip
        return format_html_join("", "<p>{} · {} {} {}</p>", rows) or "—"

    @admin.display(description=_("possible duplicates"))
    def duplicates(self, case):
        rows = []
        for s in case.duplicate_suggestions.filter(decision="open").select_related("other"):
            rows.append((s.other.tracking_number, s.get_reason_display(), s.score))
        return format_html_join("", "<p>{} · {} ({})</p>", rows) or "—"


def _deadline_text(deadline) -> str:
    """``2027-01-05`` or ``2027-01-05 暂估（2027年放假安排尚未公布）``, or ``-``."""
    if deadline is None:
        return "-"
    return f"{deadline.date.isoformat()} {deadline.note}".strip()


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
    list_display = ("case", "other", "reason", "score", "decision", "created_at")
    list_filter = ("reason", "decision")
    readonly_fields = ("case", "other", "reason", "score", "decision", "created_at")

    def get_queryset(self, request):
        visible = selectors.case_list(user=request.user)
        return DuplicateSuggestion.objects.filter(case__in=visible, other__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
