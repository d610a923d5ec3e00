"""Complaints (投诉) and reports (举报), their evidence, events and deadline rules.

State lives here; every change goes through ``complaints.services``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField


class DeadlineRule(models.Model):
    """A statutory time limit as data: the rule in force for a case is the one with the latest
    ``effective_from`` on or before the day the case was received. Supervisors edit these in the
    admin when the regulations change (e.g. Order 121 from 2026-04-15)."""

    class Key(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Decide whether to accept a complaint")
        MEDIATION = "mediation", _("Mediation time limit")
        VERIFICATION = "verification", _("Verify a report")
        VERIFICATION_EXTENSION = "verification_extension", _("Extension of report verification")
        REPORTER_NOTICE = "reporter_notice", _("Tell a named reporter the decision")
        DUPLICATE_WINDOW = "duplicate_window", _("Look-back for duplicates (calendar days)")

    key = models.CharField(_("rule"), max_length=40, choices=Key.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    effective_from = models.DateField(_("effective from"))
    legal_source = models.CharField(_("legal source"), max_length=300)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="complaints_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.working_days} ({self.effective_from})"


class Case(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint (投诉)")
        REPORT = "report", _("Report (举报)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        MEDIATING = "mediating", _("Mediating")
        AGREEMENT = "agreement", _("Agreement reached")
        MEDIATION_ENDED = "mediation_ended", _("Mediation ended")
        VERIFYING = "verifying", _("Verifying")
        CASE_OPENED = "case_opened", _("Case opened (立案)")
        NOT_OPENED = "not_opened", _("No case opened")
        CLOSED = "closed", _("Closed")

    class Category(models.TextChoices):
        COUNTERFEIT = "counterfeit", _("Counterfeit or fake goods")
        FALSE_AD = "false_ad", _("False or exaggerated advertising")
        PHISHING = "phishing", _("Payment link or phishing fraud")
        THREE_NO = "three_no", _("Goods without maker, address or licence (三无)")
        GIFT_NOT_DELIVERED = "gift_not_delivered", _("Promised gift or prize not delivered (集赞)")
        NOT_DELIVERED = "not_delivered", _("Paid but nothing delivered")
        OTHER = "other", _("Other")

    class PaymentMethod(models.TextChoices):
        WECHAT_TRANSFER = "wechat_transfer", _("WeChat transfer or red packet")
        WECHAT_PAY = "wechat_pay", _("WeChat Pay (QR code or link)")
        ALIPAY = "alipay", _("Alipay")
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")
        NONE = "none", _("Did not pay")

    class Source(models.TextChoices):
        WEB = "web", _("Public form")
        API = "api", _("Partner API")
        WECHAT = "wechat", _("WeChat official account")

    class Sla(models.TextChoices):
        NONE = "none", _("No running deadline")
        OK = "ok", _("On time")
        DUE_SOON = "due_soon", _("Due within 2 working days")
        OVERDUE = "overdue", _("Overdue")
        UNKNOWN = "unknown", _("Deadline unknown (calendar missing)")

    # Identity and routing
    tracking_number = models.CharField(_("tracking number"), max_length=32, unique=True)
    access_code_hash = models.CharField(_("access code hash"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="web")
    api_token = models.ForeignKey(
        "wsmonitor.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_case = models.ForeignKey(
        "self",
        verbose_name=_("linked case (split submission)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region_code = models.CharField(_("jurisdiction region"), max_length=6, db_index=True)
    received_region_code = models.CharField(_("region first received"), max_length=6)
    department = models.CharField(_("department"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    held_for_review = models.BooleanField(_("held for review (possible flood)"), default=False)
    # Set when a file of the submission could not be stored (full disk, database failure);
    # cleared when the complainant adds evidence later or a regulator marks it done.
    evidence_pending = models.BooleanField(_("evidence pending"), default=False, db_default=False)

    # What happened
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("merchant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaint_cases",
    )
    merchant_wechat_id = models.CharField(_("merchant WeChat ID"), max_length=100, blank=True)
    merchant_official_account = models.CharField(
        _("merchant Official Account"), max_length=100, blank=True
    )
    merchant_phone = models.CharField(_("merchant phone"), max_length=30, blank=True)
    merchant_name = models.CharField(_("merchant name"), max_length=200, blank=True)
    merchant_address = models.CharField(_("merchant address"), max_length=300, blank=True)
    payee_name = models.CharField(
        _("payee's real name (transfer record)"), max_length=100, blank=True
    )
    order_number = models.CharField(_("order or waybill number"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    suggested_category = models.CharField(
        _("suggested category"), max_length=30, choices=Category.choices, blank=True
    )
    description = models.TextField(_("what happened"))
    text_fingerprint = models.CharField(max_length=64, db_index=True, blank=True)
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    payment_method = models.CharField(
        _("payment method"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    demand = models.TextField(_("what the consumer asks for"), blank=True)
    campaign_url = models.URLField(_("集赞 campaign link"), max_length=500, blank=True)

    # The person (encrypted at rest; phone_index is an HMAC blind index for equality lookups)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = EncryptedCharField(_("name"), max_length=100, null=True, blank=True)
    complainant_phone = EncryptedCharField(_("phone"), max_length=30, null=True, blank=True)
    complainant_address = EncryptedTextField(_("address"), null=True, blank=True)
    complainant_id_number = EncryptedCharField(_("ID number"), max_length=30, null=True, blank=True)
    complainant_email = EncryptedEmailField(_("e-mail"), null=True, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    consent_at = models.DateTimeField(_("personal-data consent given"), null=True, blank=True)
    pii_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    # Clock
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    mediation_started_on = models.DateField(_("mediation started"), null=True, blank=True)
    mediation_paused_on = models.DateField(_("mediation paused since"), null=True, blank=True)
    mediation_paused_days = models.PositiveSmallIntegerField(
        _("working days paused (testing)"), default=0
    )
    mediation_due = models.DateField(_("mediation due"), null=True, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    verification_extended = models.BooleanField(_("verification extended"), default=False)
    notice_due = models.DateField(_("reporter notice due"), null=True, blank=True)
    reporter_notified_at = models.DateTimeField(_("reporter notified"), null=True, blank=True)
    current_due = models.DateField(_("current deadline"), null=True, blank=True, db_index=True)
    sla = models.CharField(
        _("deadline state"), max_length=10, choices=Sla.choices, default=Sla.NONE, db_index=True
    )
    deadline_error = models.CharField(_("deadline problem"), max_length=300, blank=True)
    # {"mediation_due": [2027], …}: the deadlines counted through a year whose official holiday
    # schedule was not entered yet (暂估); recomputed when it is (complaints.services).
    provisional_deadlines = models.JSONField(
        _("provisional deadlines"), default=dict, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn by the complainant"), null=True, blank=True)

    # Decisions and outcome
    refusal_ground = models.CharField(_("refusal ground"), max_length=40, blank=True)
    outcome_reason = models.TextField(_("outcome / reason"), blank=True)
    consumer_confirmed_at = models.DateTimeField(_("consumer confirmed"), null=True, blank=True)
    consumer_rating = models.PositiveSmallIntegerField(_("consumer rating (1–5)"), null=True)

    class Meta:
        verbose_name = _("complaint or report")
        verbose_name_plural = _("complaints and reports")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["region_code", "status"])]
        permissions = [
            ("show_personal_data", "Can show a complainant's personal data (audited)"),
            ("handle_case", "Can run the workflow of a case"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_complaint(self) -> bool:
        return self.kind == self.Kind.COMPLAINT

    @property
    def is_named_reporter(self) -> bool:
        return self.kind == self.Kind.REPORT and not self.anonymous and bool(self.phone_index)


def evidence_path(instance, filename: str) -> str:
    """Server-generated names only: the consumer's file name never reaches the disk."""
    now = timezone.now()
    return f"complaints/evidence/{now:%Y/%m}/{uuid.uuid4().hex}"


def preview_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"complaints/previews/{now:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"
        HEIC = "heic", "HEIC"
        PDF = "pdf", "PDF"
        TEXT = "text", _("Plain text")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("original"), upload_to=evidence_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("bytes"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    original_name = models.CharField(_("file name as uploaded"), max_length=120, blank=True)
    preview = models.FileField(_("preview"), upload_to=preview_path, max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    added_later = models.BooleanField(_("added from the tracking page"), default=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.sha256[:12]}"


class CaseEvent(models.Model):
    """The case history. ``public`` events are shown to the complainant; the rest never."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        MESSAGE = "message", _("Message to the complainant")
        NOTE = "note", _("Internal note")
        REFERRAL = "referral", _("Referral")
        ASSIGNMENT = "assignment", _("Assignment")
        EVIDENCE = "evidence", _("Evidence added")
        FEEDBACK = "feedback", _("Consumer feedback")
        REPLY = "reply", _("Reply from the complainant")
        WITHDRAWN = "withdrawn", _("Withdrawn by the complainant")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    public = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class DuplicateSuggestion(models.Model):
    """A possible duplicate shown to the regulator; linking or dismissing is their call."""

    class Reason(models.TextChoices):
        SAME_MERCHANT_AND_PHONE = "merchant_phone", _("Same merchant account and phone")
        SIMILAR_TEXT = "similar_text", _("Near-identical text")

    class Decision(models.TextChoices):
        OPEN = "open", _("Open")
        LINKED = "linked", _("Linked")
        DISMISSED = "dismissed", _("Dismissed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duplicate_suggestions")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    score = models.FloatField(default=1.0)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["case", "other"], name="complaints_dup_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}~{self.other_id}"


class RefusalGround(models.Model):
    """A statutory ground for not accepting a complaint (Order 20 Art 15 / Order 121 Art 16)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("ground"), max_length=300)
    legal_source = models.CharField(_("legal source"), max_length=300)
    effective_from = models.DateField(_("effective from"))
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("refusal ground")
        verbose_name_plural = _("refusal grounds")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label


class CaseTextBand(models.Model):
    """One MinHash band key of a case's description: cases sharing a key are candidates for
    the near-identical text check (``complaints.duplicates``), found through the index."""

    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="text_bands",
        db_index=False,  # complaints_band_once starts with case_id
    )
    key = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("text band")
        verbose_name_plural = _("text bands")
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="complaints_band_once")]
        indexes = [models.Index(fields=["key", "received_at"], name="complaints_band_key_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.key}"


class Office(models.Model):
    """The office that handles cases of a region, as the consumer sees it on the receipt and the
    case page. Entered by an operator; a case takes the office of the longest matching region
    prefix (440106 → 440100 → 440000)."""

    region_code = models.CharField(
        _("region code"),
        max_length=6,
        unique=True,
        help_text=_(
            "GB/T 2260 code: 440106 for a district, 440100 for a city, 440000 for a province."
        ),
    )
    name = models.CharField(_("office name"), max_length=200)
    phone = models.CharField(_("telephone"), max_length=60)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    active = models.BooleanField(_("shown to consumers"), default=True)

    class Meta:
        verbose_name = _("handling office")
        verbose_name_plural = _("handling offices")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class SubmissionToken(models.Model):
    """The one-time token of a public form: the first POST that carries it files the case(s);
    a refresh, a back-button resubmit or a double tap finds the token and shows the same
    receipt. Removed after a day."""

    token = models.CharField(max_length=64, unique=True)
    case_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")

    def __str__(self) -> str:
        return self.token[:8]
