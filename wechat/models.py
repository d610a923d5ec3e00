"""Messages consumers send to the regulator's complaint account (公众号), kept verbatim.

State lives here; every change goes through ``wechat.services``.
"""

from django.db import models
from django.utils import timezone


class WeChatMessage(models.Model):
    """One message as WeChat delivered it: the plaintext XML byte for byte with its SHA-256,
    the fields read from it, and what became of it (a new 举报 or evidence on a case)."""

    class Type(models.TextChoices):
        TEXT = "text", "文字"
        LINK = "link", "转发的文章或链接"
        IMAGE = "image", "图片"

    class State(models.TextChoices):
        RECEIVED = "received", "已收到，待处理"
        FILED = "filed", "已立为举报"
        EVIDENCE = "evidence", "已作为证据"
        QUERY = "query", "查询举报进度"
        MEDIA_PENDING = "media_pending", "图片待下载"
        FAILED = "failed", "处理失败"

    msg_id = models.BigIntegerField("微信消息编号")
    account = models.CharField("公众号原始ID", max_length=64)
    openid = models.CharField("发送者微信用户标识", max_length=64)
    msg_type = models.CharField("消息类型", max_length=10, choices=Type.choices)
    sent_at = models.DateTimeField("发送时间（微信记录）")
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    encrypted = models.BooleanField("安全模式（加密）收到", default=False)
    xml = models.TextField("原始消息（XML，原样保存）")
    sha256 = models.CharField("原始消息 SHA-256", max_length=64)
    region_code = models.CharField("受理地区", max_length=6, db_index=True)

    content = models.TextField("文字内容", blank=True)
    title = models.CharField("文章标题", max_length=500, blank=True)
    description = models.TextField("文章摘要", blank=True)
    url = models.TextField("链接", blank=True)
    media_id = models.CharField("微信图片素材编号", max_length=200, blank=True)
    pic_url = models.TextField("微信图片地址", blank=True)

    state = models.CharField(
        "处理状态", max_length=20, choices=State.choices, default=State.RECEIVED
    )
    case = models.ForeignKey(
        "complaints.Case",
        verbose_name="举报",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wechat_messages",
    )
    opened_case = models.BooleanField("本条消息新立举报", default=False)
    evidence = models.ForeignKey(
        "complaints.Evidence",
        verbose_name="证据文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    media_attempts = models.PositiveSmallIntegerField("图片下载次数", default=0)
    error = models.TextField("最近的问题", blank=True)
    processed_at = models.DateTimeField("处理完成", null=True, blank=True)

    class Meta:
        verbose_name = "公众号消息"
        verbose_name_plural = "公众号消息"
        ordering = ["-received_at", "-id"]
        constraints = [
            # WeChat retries a message it got no answer to (3 times): one row, one case.
            models.UniqueConstraint(fields=["msg_id"], name="wechat_msgid_once")
        ]
        indexes = [models.Index(fields=["openid", "received_at"], name="wechat_conversation")]

    def __str__(self) -> str:
        return f"{self.get_msg_type_display()} {self.msg_id}"
