"""The regulator's view of image reads: the image beside its OCR text, the findings on it, the
codes and handles read from it; searchable by text, handle or hash. Read-only, except the
transcription page (更正转写: corrections, then 确认转写) and the list action 确认转写
(``imaging.services.transcription``)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from campaigns.selectors import TERM_LABELS
from core.audit import audit_log, client_ip
from core.errors import ServiceError
from imaging.forms import TranscriptionForm
from imaging.models import Identifier, ImageText
from imaging.selectors import image_texts_visible, transcription_current
from imaging.services.images import image_preview
from imaging.services.transcription import (
    terms_from_text,
    transcription_confirm,
    transcription_correct,
)

CATEGORY_LABELS = {
    "counterfeit": "假冒",
    "false_ad": "虚假宣传",
    "three_no": "三无产品",
    "phishing": "钓鱼/诈骗链接",
}


def _categories(row: ImageText) -> str:
    return "、".join(CATEGORY_LABELS.get(c, c) for c in row.categories.split(",") if c) or "—"


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0
    can_delete = False
    fields = ("kind", "source_shown", "value", "owner")
    readonly_fields = fields

    @admin.display(description="读取方式")
    def source_shown(self, obj):
        return "二维码" if obj.source == "qr" else "文字识别"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner")


@admin.register(ImageText)
class ImageTextAdmin(admin.ModelAdmin):
    list_display = (
        "id", "origin", "holder_shown", "state", "categories_shown", "text_start", "merchant",
        "transcription_shown", "read_at",
    )  # fmt: skip
    list_filter = ("origin", "state", "categories")
    search_fields = ("text", "confirmed_text", "sha256", "identifiers__value")
    actions = ["confirm_transcription"]
    inlines = [IdentifierInline]
    change_form_template = "admin/imaging/imagetext/change_form.html"
    fieldsets = (
        (None, {"fields": ("origin", "holder_shown", "merchant", "state", "error")}),
        ("图片与识别文字", {"fields": ("side_by_side",)}),
        ("扫描发现", {"fields": ("findings_shown", "score", "lexicon_version")}),
        (
            "转写确认",
            {"fields": ("confirmed_by", "confirmed_at", "confirmed_text")},
        ),
        (
            "识别记录",
            {"fields": ("file_name", "sha256", "engine", "seconds", "mean_score", "attempts",
                        "requested_at", "read_at")},
        ),
    )  # fmt: skip

    def get_queryset(self, request):
        return image_texts_visible(user=request.user).select_related(
            "merchant", "confirmed_by", "evidence__case", "snapshot__campaign"
        )

    def get_readonly_fields(self, request, obj=None):
        return [f for _name, opts in self.fieldsets for f in opts["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_confirm_permission(self, request):
        return request.user.has_perm("imaging.confirm_transcription")

    @admin.display(description="所属")
    def holder_shown(self, row):
        if row.evidence_id:
            case = row.evidence.case
            url = reverse("admin:complaints_case_change", args=[case.pk])
            return format_html('<a href="{}">{}</a>', url, case.tracking_number)
        if row.snapshot_id:
            campaign = row.snapshot.campaign
            url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
            return format_html(
                '<a href="{}">{} #{}</a>', url, campaign.title, row.snapshot.sequence
            )
        return row.origin_ref or "—"

    @admin.display(description="违法类别")
    def categories_shown(self, row):
        return _categories(row)

    @admin.display(description="识别文字")
    def text_start(self, row):
        return (row.text[:40] + "…") if len(row.text) > 40 else (row.text or "—")

    @admin.display(description="转写")
    def transcription_shown(self, row):
        if row.confirmed_at is not None:
            return "已确认"
        return "待确认" if row.state == ImageText.State.DONE else "—"

    @admin.display(description="图片与识别文字")
    def side_by_side(self, row):
        url = _image_url(row)
        image = format_html('<img src="{}" alt="原图" class="im-image">', url) if url else ""
        lines = format_html_join(
            "",
            "<li>{} <small>（置信度 {}）</small></li>",
            ((x["text"], x["score"]) for x in row.lines),
        )
        return format_html(
            '<div class="im-side">{}<ol class="im-text" data-ocr-text>{}</ol></div>',
            image or "",
            lines or format_html("<li>{}</li>", "未识别到文字"),
        )

    @admin.display(description="扫描发现")
    def findings_shown(self, row):
        if not row.findings:
            return "无"
        return format_html_join(
            "",
            "<p data-finding>{}：“{}”（{}，来自{}）</p>",
            (
                (CATEGORY_LABELS.get(f["category"], f["category"]), f["matched"],
                 f["legal_basis"] or f["rule"], "二维码" if f["read_from"] == "qr" else "文字")
                for f in row.findings
            ),
        )  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rows = self.get_queryset(request)
        row = rows.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra = {
            **(extra_context or {}),
            "transcribe_label": _transcribe_label(row, self.has_confirm_permission(request)),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transcription/",
                view(self.transcription_view),
                name="imaging_imagetext_transcription",
            ),
            path("<path:object_id>/image/", view(self.image_view), name="imaging_imagetext_image"),
            *super().get_urls(),
        ]

    def _visible(self, request, object_id) -> ImageText:
        row = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        if row is None:
            raise Http404("没有这张图片的识别记录，或您无权查看")
        return row

    def transcription_view(self, request, object_id):
        """更正转写: the image beside the OCR text and a form with the text as it stands (the
        newest correction, or the OCR text). 保存更正 stores a correction; 确认转写 stores the
        text as a correction if it changed, then confirms it."""
        row = self._visible(request, object_id)
        if not self.has_confirm_permission(request):
            raise PermissionDenied
        current, latest = transcription_current(row)
        form = TranscriptionForm(request.POST or None, initial={"text": current})
        if request.method == "POST" and _open(row) and form.is_valid():
            data, ip = form.cleaned_data, client_ip(request)
            confirm = "_confirm" in request.POST
            try:
                if confirm:
                    transcription_confirm(image_text=row, actor=request.user, text=data["text"],
                                          note=data["note"], ip=ip)  # fmt: skip
                else:
                    transcription_correct(image_text=row, actor=request.user, text=data["text"],
                                          note=data["note"], ip=ip)  # fmt: skip
            except ServiceError as exc:
                form.add_error("text" if "text" in (exc.fields or {}) else None, exc.detail)
            else:
                if confirm:
                    done = "；活动截图的条款已据此记录为更正" if row.snapshot_id else ""
                    self.message_user(request, f"转写已确认{done}。", messages.SUCCESS)
                    url = reverse("admin:imaging_imagetext_change", args=[row.pk])
                else:
                    self.message_user(request, "更正已保存，原识别文字仍保留。", messages.SUCCESS)
                    url = request.path
                return HttpResponseRedirect(url)
        text_now = form["text"].value() if form.is_bound else current
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "更正并确认转写",
            "row": row,
            "form": form,
            "open": _open(row),
            "image_url": _image_url(row),
            "latest": latest,
            "corrections": row.corrections.select_related("created_by").order_by("-created_at"),
            "terms": _terms_rows(row, text_now),
        }
        return TemplateResponse(
            request, "admin/imaging/imagetext/transcription.html", context,
            status=400 if form.errors else 200,
        )  # fmt: skip

    def image_view(self, request, object_id):
        """A campaign snapshot's image, re-encoded without metadata; each view audited (a
        complaint's evidence is shown through the case's own audited preview)."""
        row = self._visible(request, object_id)
        if not row.snapshot_id:
            raise Http404("这张图片请在所属举报中查看")
        try:
            data = image_preview(row)
        except (OSError, ValueError):
            raise Http404("图片文件无法读取") from None
        audit_log("imaging.image_viewed", actor=request.user, target=row, ip=client_ip(request),
                  data={"sha256": row.sha256})  # fmt: skip
        response = HttpResponse(data, content_type="image/jpeg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    class Media:
        css = {"all": ["imaging/admin.css"]}

    @admin.action(description="确认转写", permissions=["confirm"])
    def confirm_transcription(self, request, queryset):
        done = 0
        for row in queryset:
            try:
                transcription_confirm(image_text=row, actor=request.user, ip=client_ip(request))
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{row}：{exc.detail}", messages.ERROR)
        if done:
            self.message_user(
                request,
                f"已确认 {done} 张图片的转写；活动截图的条款已据此记录为更正。",
                messages.SUCCESS,
            )


def _transcribe_label(row: ImageText | None, allowed: bool) -> str:
    """The change page's link to the transcription page: to work on it while open, to read
    the confirmation and the corrections afterwards."""
    if row is None or not allowed or row.state != ImageText.State.DONE:
        return ""
    return "更正并确认转写" if row.confirmed_at is None else "转写与更正记录"


def _open(row: ImageText) -> bool:
    return row.state == ImageText.State.DONE and row.confirmed_at is None


def _image_url(row: ImageText) -> str:
    if row.evidence_id and row.evidence.preview:
        return reverse(
            "admin:complaints_case_thumbnail", args=[row.evidence.case_id, row.evidence_id]
        )
    if row.snapshot_id:
        return reverse("admin:imaging_imagetext_image", args=[row.pk])
    return ""


def _terms_rows(row: ImageText, text) -> list[tuple[str, str]]:
    """For a campaign snapshot: the terms the text states now, as 确认转写 would record them."""
    if not row.snapshot_id or not (text or "").strip():
        return []
    terms = terms_from_text(row.snapshot, text)
    shown = []
    for key, label in TERM_LABELS.items():
        value = terms.get(key)
        if key == "deadline" and not value:
            value = terms.get("deadline_text")
        if isinstance(value, list | tuple):
            value = "；".join(str(v) for v in value)
        shown.append((label, "—" if value in (None, "") else str(value)))
    return shown
