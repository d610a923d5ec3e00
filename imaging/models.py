"""What was read from an image: its OCR text, the scanner's findings on it, and the codes and
handles found in it. One row per stored image, keyed to the file and its SHA-256; written only
by ``imaging.services``."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImageText(models.Model):
    class Origin(models.TextChoices):
        EVIDENCE = "evidence", "投诉举报证据"
        SNAPSHOT = "snapshot", "活动快照截图"
        WECHAT = "wechat", "微信消息图片"

    class State(models.TextChoices):
        PENDING = "pending", "等待识别"
        DONE = "done", "已识别"
        FAILED = "failed", "识别失败"

    origin = models.CharField("来源", max_length=20, choices=Origin.choices)
    # The image's holder: one of these, or for a WeChat image the message reference.
    evidence = models.OneToOneField(
        "complaints.Evidence",
        verbose_name="证据",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="image_text",
    )
    snapshot = models.OneToOneField(
        "campaigns.Snapshot",
        verbose_name="活动快照",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="image_text",
    )
    origin_ref = models.CharField("来源编号", max_length=100, blank=True)
    file_name = models.CharField("存储文件", max_length=200)
    sha256 = models.CharField("图片SHA-256", max_length=64, db_index=True)
    region_code = models.CharField("地区代码", max_length=6, blank=True, db_index=True)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name="涉及商家",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("识别次数", default=0)
    requested_at = models.DateTimeField("请求时间", default=timezone.now)
    read_at = models.DateTimeField("识别时间", null=True, blank=True)
    text = models.TextField("识别文字", blank=True)
    lines = models.JSONField("逐行结果", default=list, blank=True)
    mean_score = models.FloatField("平均置信度", null=True, blank=True)
    seconds = models.FloatField("识别耗时（秒）", null=True, blank=True)
    engine = models.CharField("识别引擎", max_length=100, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    findings = models.JSONField("扫描发现", default=list, blank=True)
    categories = models.CharField("违法类别", max_length=100, blank=True)
    score = models.FloatField("扫描得分", default=0.0)
    lexicon_version = models.PositiveIntegerField("词库版本", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="转写确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("转写确认时间", null=True, blank=True)
    confirmed_text = models.TextField("确认的转写", blank=True)

    class Meta:
        verbose_name = "图片识别"
        verbose_name_plural = "图片识别"
        ordering = ["-requested_at", "-id"]
        permissions = [("confirm_transcription", "可确认截图转写")]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=models.Q(state="pending"),
                name="imagetext_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_origin_display()} {self.sha256[:12]}"

    @property
    def flagged(self) -> bool:
        return bool(self.findings)


class TranscriptionCorrection(models.Model):
    """A regulator's correction of what OCR read from an image, made before 确认转写. Every save
    is a new row and the OCR text on ``ImageText`` is never changed; 确认转写 confirms the newest
    correction (or the OCR text when there is none)."""

    image = models.ForeignKey(
        ImageText, verbose_name="图片", on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField("更正后的转写")
    note = models.CharField("更正说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更正人",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("更正时间", default=timezone.now)

    class Meta:
        verbose_name = "转写更正"
        verbose_name_plural = "转写更正"
        ordering = ["image_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"转写更正 {self.pk}"


class Identifier(models.Model):
    """A pay code, contact code, link or 微信号 read from an image. A pay code is also a merchant
    account (收款码): ``account`` is that account and ``owner`` the merchant it belongs to; when
    the owner is not the image's merchant, the two are linked through this row."""

    class Kind(models.TextChoices):
        PAY_CODE = "pay_code", "收款码"
        PAY_ORDER = "pay_order", "支付订单码"
        CONTACT = "contact", "名片/群二维码"
        URL = "url", "链接"
        WECHAT_ID = "wechat_id", "微信号（文字识别）"
        OTHER = "other", "其他二维码"

    image = models.ForeignKey(
        ImageText, verbose_name="图片", on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    source = models.CharField("读取方式", max_length=10)  # "qr" | "ocr"
    value = models.CharField("内容", max_length=1000)
    account = models.ForeignKey(
        "merchants.MerchantAccount",
        verbose_name="商家账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        "merchants.Merchant",
        verbose_name="账号所属商家",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "图片中的账号与链接"
        verbose_name_plural = "图片中的账号与链接"
        ordering = ["image_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "kind", "value"], name="identifier_unique_per_image"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.value[:60]}"
