"""Merchants, their accounts, posts, findings and the stored components of their risk."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Merchant(models.Model):
    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFIED = "verified", _("Real name verified")

    class Registration(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        EXEMPT = "exempt", _("Exempt, self-declared")
        UNKNOWN = "unknown", _("Unknown")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WATCH_LISTED = "watch_listed", _("Watch-listed")
        WARNED = "warned", _("Warned")
        FREEZE_REQUESTED = "freeze_requested", _("Freeze requested")
        REFERRED = "referred", _("Referred")
        CLEARED = "cleared", _("Cleared")

    display_name = models.CharField(_("display name"), max_length=200)
    verification = models.CharField(
        _("real-name verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    registration = models.CharField(
        _("registration"), max_length=20, choices=Registration.choices, default=Registration.UNKNOWN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    risk_score = models.FloatField(_("risk score"), default=0.0, db_index=True)
    in_review_queue = models.BooleanField(_("in review queue"), default=False, db_index=True)
    risk_updated_at = models.DateTimeField(_("risk updated"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["-risk_score", "id"]

    def __str__(self) -> str:
        return self.display_name


class MerchantAccount(models.Model):
    class Platform(models.TextChoices):
        WECHAT_ID = "wechat_id", _("WeChat ID (微信号)")
        OFFICIAL_ACCOUNT = "official_account", _("Official Account (公众号)")
        MINI_PROGRAM = "mini_program", _("Mini Program (小程序)")
        CHANNELS = "channels", _("Channels (视频号)")
        GROUP = "group", _("WeChat group (微信群)")
        PHONE = "phone", _("Phone (手机)")
        PAYEE = "payee", _("Payment QR payee name (收款码)")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="accounts"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle as written"), max_length=200)
    handle_normalized = models.CharField(_("normalized handle"), max_length=200, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("merchant account")
        verbose_name_plural = _("merchant accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle_normalized"], name="account_unique_per_platform"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.handle}"


class Post(models.Model):
    class Source(models.TextChoices):
        MOMENTS = "moments", _("Moments (朋友圈)")
        ARTICLE = "article", _("Official Account article (公众号文章)")
        MINI_PROGRAM = "mini_program", _("Mini Program (小程序)")
        CHANNELS = "channels", _("Channels (视频号)")
        GROUP = "group", _("Group message (群消息)")
        CAMPAIGN = "campaign", _("Campaign notice (活动通知)")

    class ScanState(models.TextChoices):
        PENDING = "pending", _("Waiting to be scanned")
        SCANNING = "scanning", _("Scanning")
        SCANNED = "scanned", _("Scanned")
        FAILED = "failed", _("Scan failed")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="posts"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    external_id = models.CharField(_("external id"), max_length=200)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current = models.BooleanField(_("current revision"), default=True)
    text = models.TextField(_("text"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    captured_at = models.DateTimeField(_("captured at"), default=timezone.now)
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    submitted_by = models.CharField(_("submitted by"), max_length=150, blank=True)
    scan_state = models.CharField(
        _("scan state"),
        max_length=10,
        choices=ScanState.choices,
        default=ScanState.PENDING,
        db_index=True,
    )
    scan_requested_at = models.DateTimeField(_("scan state changed"), default=timezone.now)
    scan_token = models.CharField(
        _("scan claim"), max_length=64, blank=True, help_text=_("Task that claimed the scan.")
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    lexicon_version = models.ForeignKey(
        "lexicon.LexiconVersion",
        verbose_name=_("scanned with lexicon version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.FloatField(_("scan score"), default=0.0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-captured_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id", "revision"], name="post_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=models.Q(is_current=True),
                name="post_one_current_revision",
            ),
        ]
        indexes = [models.Index(fields=["scan_state", "scan_requested_at"], name="post_scan_idx")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id} r{self.revision}"


class Finding(models.Model):
    class Review(models.TextChoices):
        OPEN = "open", _("Not reviewed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="findings"
    )
    lexicon_version = models.ForeignKey(
        "lexicon.LexiconVersion",
        verbose_name=_("lexicon version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, db_index=True)
    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    term = models.CharField(_("term"), max_length=500)
    matched = models.CharField(_("matched text"), max_length=500)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    severity = models.PositiveSmallIntegerField(_("severity"))
    context = models.CharField(_("context"), max_length=500, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("From the post's latest scan.")
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.OPEN, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("review reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("found at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "lexicon_version", "rule", "start", "end"],
                name="finding_unique_per_scan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} “{self.matched}”"


class RiskComponent(models.Model):
    """One explained part of a merchant's risk score. Other apps add theirs through
    ``merchants.services.risk_component_record`` (complaints, campaign breaches)."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="risk_parts"
    )
    source = models.CharField(_("source"), max_length=30)
    key = models.CharField(_("key"), max_length=100, default="")
    points = models.FloatField(_("points"))
    explanation = models.CharField(_("explanation"), max_length=500)
    data = models.JSONField(_("data"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("risk component")
        verbose_name_plural = _("risk components")
        ordering = ["-points"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "source", "key"], name="risk_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.points:+.1f}"
