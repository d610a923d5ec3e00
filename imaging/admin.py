"""The regulator's view of image reads: the image beside its OCR text, the findings on it, the
codes and handles read from it; searchable by text, handle or hash. Read-only, except the
action 确认转写 (``imaging.services.images.transcription_confirm``)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.audit import client_ip
from core.errors import ServiceError
from imaging.models import Identifier, ImageText
from imaging.selectors import image_texts_visible
from imaging.services.images import transcription_confirm

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
        "confirmed_shown", "read_at",
    )  # fmt: skip
    list_filter = ("origin", "state", "categories")
    search_fields = ("text", "confirmed_text", "sha256", "identifiers__value")
    actions = ["confirm_transcription"]
    inlines = [IdentifierInline]
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

    @admin.display(description="转写已确认", boolean=True)
    def confirmed_shown(self, row):
        return row.confirmed_at is not None

    @admin.display(description="图片与识别文字")
    def side_by_side(self, row):
        image = ""
        if row.evidence_id and row.evidence.preview:
            url = reverse(
                "admin:complaints_case_thumbnail", args=[row.evidence.case_id, row.evidence_id]
            )
            image = format_html('<img src="{}" alt="证据图片" class="im-image">', url)
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

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

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
