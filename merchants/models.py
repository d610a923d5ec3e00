"""Merchants, their accounts, posts, findings and the stored components of their risk."""

from django.conf import settings
from django.db import models
from django.urls import reverse
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
        SCANNED = "scanned", _("Scanned")
        FAILED = "failed", _("Scan failed")

    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        related_name="posts",
        db_index=False,  # post_merchant_day_idx starts with merchant_id
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
    # Whose (source, external_id) this is: the API token's name for an integrator's posts
    # (tokens of one integrator share a name), '' for the platform's own (admin, imports,
    # campaign snapshots). Idempotency and revisions are per integrator: no token can revise,
    # move or confirm the text of another integrator's post.
    integrator = models.CharField(_("integrator"), max_length=100, blank=True, default="")
    scan_state = models.CharField(
        _("scan state"),
        max_length=10,
        choices=ScanState.choices,
        default=ScanState.PENDING,
    )
    scan_requested_at = models.DateTimeField(_("scan state changed"), default=timezone.now)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    lexicon_version = models.ForeignKey(
        "lexicon.LexiconVersion",
        verbose_name=_("scanned with lexicon version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered on; versions are not deleted (PROTECT keeps them)
    )
    score = models.FloatField(_("scan score"), default=0.0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-captured_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["integrator", "source", "external_id", "revision"],
                name="post_integrator_revision_unique",
            ),
            models.UniqueConstraint(
                fields=["integrator", "source", "external_id"],
                condition=models.Q(is_current=True),
                name="post_integrator_one_current",
            ),
        ]
        indexes = [
            # Only the posts waiting for a scan (the sweeper's question); a scanned post leaves it.
            models.Index(
                fields=["scan_requested_at"],
                condition=models.Q(scan_state="pending"),
                name="post_pending_idx",
            ),
            # A merchant's posts by capture time: the risk aggregates count one merchant's
            # posts of one day without reading its history.
            models.Index(fields=["merchant", "captured_at"], name="post_merchant_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id} r{self.revision}"


class Finding(models.Model):
    class Review(models.TextChoices):
        OPEN = "open", _("Not reviewed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="findings",
        db_index=False,  # finding_unique_per_scan starts with post_id
    )
    lexicon_version = models.ForeignKey(
        "lexicon.LexiconVersion",
        verbose_name=_("lexicon version"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered on alone; finding_unique_per_scan has it second
    )
    category = models.CharField(_("category"), max_length=20)
    rule = models.CharField(_("rule"), max_length=60)
    term = models.CharField(_("term"), max_length=500)
    matched = models.CharField(_("matched text"), max_length=500)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    severity = models.PositiveSmallIntegerField(_("severity"))
    context = models.CharField(_("context"), max_length=500, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    # the scanner's sentence for the reviewer, where the rule has more to say than its term (the
    # genuine host a look-alike link imitates, a brand's reference price)
    explanation = models.CharField("说明", max_length=500, blank=True, default="", db_default="")
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("From the post's latest scan.")
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # finding_reviewed_by_idx, partial: most findings are never reviewed
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
        # Every index costs each of the many inserts a scan makes: only those a query uses. No
        # index on the category (four values: a filter on it reads most rows anyway); reviews
        # indexed only once decided (the open ones are the many).
        indexes = [
            models.Index(fields=["rule"], name="finding_rule_idx"),
            models.Index(
                fields=["review"], condition=~models.Q(review="open"), name="finding_reviewed_idx"
            ),
            models.Index(
                fields=["reviewed_by"],
                condition=models.Q(reviewed_by__isnull=False),
                name="finding_reviewed_by_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.matched}”（{self.legal_basis.split('；')[0] or self.category}）"


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


class RiskDay(models.Model):
    """How many current posts a merchant has per local capture day. Kept up to date by each
    scan for the days of the posts it scans for the first time (``merchants.risk``); the flood
    component reads the last 30 days of these rows instead of the posts. Also the row a scan
    locks while it writes a merchant's aggregates of that day."""

    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="+",  # not moved by a merge: the merge rebuilds the kept merchant's rows
        db_index=False,  # risk_day_unique starts with merchant_id
    )
    day = models.DateField(_("capture day"))
    posts = models.PositiveIntegerField(_("current posts"), default=0)

    class Meta:
        verbose_name = _("risk day")
        verbose_name_plural = _("risk days")
        constraints = [models.UniqueConstraint(fields=["merchant", "day"], name="risk_day_unique")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}: {self.posts}"


class RiskTally(models.Model):
    """A merchant's current, not dismissed findings of one category with their time decay
    folded in: ``mass`` is the sum of severity × 2 (confirmed) or × 1, × 2^((capture day −
    ``ref_day``) / ``half_life``). The score at any later day is ``mass × 2^((ref_day − day) /
    half_life)``, so the recompute reads one row per category, whatever the history. Scans
    add what they change; ``manage.py rebuild_risk`` computes the rows again from the findings."""

    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # risk_tally_unique starts with merchant_id
    )
    category = models.CharField(_("category"), max_length=20)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    confirmed = models.PositiveIntegerField(_("confirmed findings"), default=0)
    mass = models.FloatField(_("decayed severity at the reference day"), default=0.0)
    ref_day = models.DateField(_("reference day"))
    half_life = models.FloatField(_("half-life (days)"))

    class Meta:
        verbose_name = _("risk tally")
        verbose_name_plural = _("risk tallies")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "category"], name="risk_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.category}: {self.findings}"


# --- Near-duplicates (网络巡查): one product photo or one text used by several sellers ------------


class PostImage(models.Model):
    """An image of a post, with its 64-bit difference hash (dHash) and that of its mirror
    image, stored as signed bigints (``merchants.near_duplicates``)."""

    post = models.ForeignKey(
        Post, verbose_name="帖子", on_delete=models.CASCADE, related_name="images"
    )
    file = models.FileField("图片", upload_to="post_images/%Y/%m/", max_length=200)
    sha256 = models.CharField("图片SHA-256", max_length=64)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    dhash = models.BigIntegerField("感知哈希（dHash）", db_index=True)
    dhash_mirror = models.BigIntegerField("镜像图感知哈希", db_index=True)
    added_at = models.DateTimeField("收录时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "帖子图片"
        verbose_name_plural = "帖子图片"
        ordering = ["post_id", "id"]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.sha256[:12]}"


class PostText(models.Model):
    """The normalised text of a current post captured in the last days, searched for
    near-identical texts (pg_trgm with a GIN index on PostgreSQL; rows older than the window
    are deleted, so a search never grows with the history)."""

    post = models.OneToOneField(
        Post, verbose_name="帖子", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # the post's merchant when it was indexed (a search skips the merchant's own posts without
    # a join; after a merge the matches are read through the posts again)
    merchant = models.ForeignKey(
        Merchant, verbose_name="商家", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    captured_at = models.DateTimeField("采集时间", db_index=True)
    text = models.TextField("规范化文字")
    # the wording without Latin letters and digits, hashed: copies of one text are found
    # through this index without the trigram search (``merchants.near_duplicates.skeleton``)
    skeleton = models.BigIntegerField("文字骨架哈希", null=True, blank=True)

    class Meta:
        verbose_name = "近似检测文字"
        verbose_name_plural = "近似检测文字"
        indexes = [models.Index(fields=["skeleton", "captured_at"], name="posttext_skeleton_idx")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.text[:30]}"


class NearDuplicate(models.Model):
    """Two posts of different merchants with near-identical text or the same product photo.
    Stored once, the smaller post id first (``post`` < ``other``); ``NearDuplicateEnd`` reads
    each match from both of its posts."""

    class Kind(models.TextChoices):
        TEXT = "text", "文字近似"
        IMAGE = "image", "同一商品图片"

    # Not checked by the database: a flood writes ~20 matches a post, and the two foreign-key
    # checks of each row cost twice its insert (at the commit, with a share lock on both
    # posts). Matches are written only for posts just read; deleting a post through the ORM
    # deletes its matches (``on_delete``), and posts are not deleted otherwise.
    post = models.ForeignKey(
        Post,
        verbose_name="帖子",
        on_delete=models.CASCADE,
        related_name="near_duplicates",
        db_index=False,  # near_dup_unique starts with post_id
        db_constraint=False,
    )
    other = models.ForeignKey(
        Post,
        verbose_name="近似帖子",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # near_dup_other_idx starts with other_id
        db_constraint=False,
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    similarity = models.FloatField("相似度")
    found_at = models.DateTimeField("发现时间", default=timezone.now)

    class Meta:
        verbose_name = "近似内容"
        verbose_name_plural = "近似内容"
        constraints = [
            # kind before other: "has this post a match of this kind" stops at the first entry
            models.UniqueConstraint(fields=["post", "kind", "other"], name="near_dup_unique"),
            models.CheckConstraint(
                condition=models.Q(post__lt=models.F("other")), name="near_dup_once"
            ),
        ]
        indexes = [models.Index(fields=["other", "kind"], name="near_dup_other_idx")]

    def __str__(self) -> str:
        return f"{self.post_id}~{self.other_id} ({self.kind})"


class NearDuplicateEnd(models.Model):
    """Each ``NearDuplicate`` seen from each of its two posts: a view of the stored row and of
    the row with ``post`` and ``other`` swapped (``id`` is the match's, twice). Read only; the
    merchant page, the rebuild and the tests read matches through it."""

    id = models.BigIntegerField(primary_key=True)
    post = models.ForeignKey(
        Post, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    other = models.ForeignKey(
        Post, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=NearDuplicate.Kind.choices)
    similarity = models.FloatField()
    found_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "merchants_nearduplicateend"
        verbose_name = "近似内容（双向）"
        verbose_name_plural = "近似内容（双向）"

    def __str__(self) -> str:
        return f"{self.post_id}~{self.other_id} ({self.kind})"


class NearDuplicateDay(models.Model):
    """Per merchant and local capture day: how many of its posts have at least one stored
    ``NearDuplicate`` of each kind. Written with the matches (``merchants.near_duplicate_risk``),
    in their transaction; the 刷屏 component sums the last 30 days of these rows instead of
    reading the matches. Also the row a writer of a post's matches locks."""

    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="+",  # not moved by a merge: the merge rebuilds the kept merchant's rows
        db_index=False,  # near_dup_day_unique starts with merchant_id
    )
    day = models.DateField(_("capture day"))
    text_posts = models.PositiveIntegerField("文字近似的帖子", default=0)
    image_posts = models.PositiveIntegerField("同一商品图片的帖子", default=0)

    class Meta:
        verbose_name = "近似内容日计数"
        verbose_name_plural = "近似内容日计数"
        constraints = [
            models.UniqueConstraint(fields=["merchant", "day"], name="near_dup_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}: {self.text_posts}/{self.image_posts}"


class NearDuplicatePair(models.Model):
    """Per merchant, local capture day of its posts and other merchant: how many stored
    ``NearDuplicate`` rows lead from the one to the other. The 刷屏 component counts the other
    merchants of the last 30 days from these rows."""

    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # near_dup_pair_unique starts with merchant_id
    )
    day = models.DateField(_("capture day"))
    other = models.ForeignKey(
        Merchant, verbose_name="另一商家", on_delete=models.CASCADE, related_name="+"
    )
    matches = models.PositiveIntegerField("近似内容条数", default=0)

    class Meta:
        verbose_name = "近似内容商家对"
        verbose_name_plural = "近似内容商家对"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "day", "other"], name="near_dup_pair_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}~{self.other_id} {self.day}: {self.matches}"


# --- Regulator workspace ------------------------------------------------------------------------


class ReviewQueueEntry(Merchant):
    """The review queue in the admin: merchants above the risk threshold, most risky first."""

    class Meta:
        proxy = True
        verbose_name = _("review queue entry")
        verbose_name_plural = _("review queue")


class Dashboard(Merchant):
    """Stands for the dashboard page in the admin index (no rows of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard")
        default_permissions = ("view",)


class MerchantClaim(models.Model):
    """Who is working on a merchant, so two regulators do not; expires on its own."""

    merchant = models.OneToOneField(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="claim"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    expires_at = models.DateTimeField(_("claim expires"))

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.merchant} → {self.claimed_by}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class EnforcementAction(models.Model):
    """What a regulator did about a merchant; written only by ``merchants.actions``."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        WATCH_LIST = "watch_list", _("Watch-list")
        FREEZE_REQUEST = "freeze_request", _("Request to freeze the account")
        REFERRAL = "referral", _("Referral to another department")
        CLEARANCE = "clearance", _("Clearance")

    class Department(models.TextChoices):
        POLICE = "police", _("Public security (公安) — fraud, phishing")
        CAC = "cac", _("Cyberspace administration (网信)")
        TELECOM = "telecom", _("Communications administration (通信管理局)")
        CULTURE = "culture", _("Culture and tourism (文化和旅游)")

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    text = models.TextField(_("notice text"), blank=True)
    department = models.CharField(
        _("department"), max_length=20, choices=Department.choices, blank=True
    )
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.CharField(_("closing note"), max_length=500, blank=True)
    status_before = models.CharField(_("status before"), max_length=20)
    status_after = models.CharField(_("status after"), max_length=20)
    created_at = models.DateTimeField(_("taken at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("act_on_merchant", _("Can review findings and take enforcement actions")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.merchant}"

    @property
    def is_open_referral(self) -> bool:
        return self.kind == self.Kind.REFERRAL and self.closed_at is None


class ConsumerWarning(models.Model):
    """A public 消费警示. Drafted by regulators (a warning action drafts one), published by a
    supervisor; only published ones appear on /warnings/ and the feed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    merchant = models.ForeignKey(
        Merchant,
        verbose_name=_("merchant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consumer_warnings",
    )
    region_code = models.CharField(_("region code"), max_length=6, db_index=True)
    issuer_name = models.CharField(
        _("issuing office"),
        max_length=200,
        blank=True,
        help_text=_("Named on the public page; the handling office of the region by default."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("consumer warning")
        verbose_name_plural = _("consumer warnings")
        ordering = ["-published_at", "-created_at"]
        permissions = [("publish_consumerwarning", _("Can publish consumer warnings"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("merchants:warning", args=[self.pk])


class ExceptionProposal(models.Model):
    """A dismissal "not a claim" proposes an exception phrase for the rule that matched; a
    supervisor approves it (the phrase joins the rule's exceptions, a lexicon version is
    published) or rejects it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="+"
    )
    rule_id = models.CharField(_("rule id"), max_length=60)
    term = models.CharField(_("term"), max_length=500)
    phrase = models.CharField(
        _("exception phrase"),
        max_length=200,
        help_text=_("Must contain the term; the rule will not match inside this phrase."),
    )
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    lexicon_version = models.ForeignKey(
        "lexicon.LexiconVersion",
        verbose_name=_("published in version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lexicon exception proposal")
        verbose_name_plural = _("lexicon exception proposals")
        ordering = ["-proposed_at"]
        permissions = [("decide_exceptionproposal", _("Can approve lexicon exceptions"))]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.rule_id})"


class ExportJob(models.Model):
    """A CSV/XLSX export running in the background; personal data masked by default."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    kind = models.CharField(_("list"), max_length=30)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    ids = models.JSONField(_("selected rows"), default=list, blank=True)
    mask_pii = models.BooleanField(_("personal data masked"), default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return 0 if not self.total else min(100, round(100 * self.done / self.total))
