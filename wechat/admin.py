"""The stored messages for regulators: read-only, by region (``access.messages_visible``)."""

from django.contrib import admin
from django.utils.html import format_html

from wechat.access import messages_visible
from wechat.models import WeChatMessage


@admin.register(WeChatMessage)
class WeChatMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "msg_type", "summary", "case", "state", "encrypted"]
    list_filter = ["msg_type", "state", "encrypted"]
    search_fields = ["=msg_id", "=openid", "=case__tracking_number", "content", "title", "url"]
    list_select_related = ["case"]
    date_hierarchy = "received_at"
    fieldsets = (
        ("消息", {"fields": (
            "msg_id", "msg_type", "openid_shown", "account", "sent_at", "received_at", "encrypted",
        )}),
        ("内容", {"fields": ("content", "title", "description", "url", "media_id", "pic_url")}),
        ("处理", {"fields": (
            "state", "case", "opened_case", "evidence", "media_attempts", "error", "processed_at",
            "region_code",
        )}),
        ("原始消息", {"fields": ("sha256", "xml_shown")}),
    )  # fmt: skip

    class Media:
        css = {"all": ["wechat/admin.css"]}

    def get_queryset(self, request):
        return messages_visible(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return [f for _name, opts in self.fieldsets for f in opts["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="内容摘要")
    def summary(self, message):
        text = message.content or message.title or message.url or message.media_id
        return text[:60] + ("…" if len(text) > 60 else "")

    @admin.display(description="发送者微信用户标识")
    def openid_shown(self, message):
        return message.openid or "已删除（个人信息已删除）"

    @admin.display(description="原始消息（XML，原样保存）")
    def xml_shown(self, message):
        return format_html('<pre class="wx-xml">{}</pre>', message.xml)
