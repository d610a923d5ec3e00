"""集赞换礼 campaigns, the hash-chained snapshots of their terms, the changes and breaches
derived from them, and consumers' redemption reports.

Snapshots are evidence: append-only like ``core.models.AuditEntry`` (the model refuses to
update or delete a stored row and, on PostgreSQL, a trigger refuses it too). Each one carries the
SHA-256 of its content and the hash of the snapshot before it, so ``manage.py
verify_campaign_snapshots`` can show that no observation was altered, removed or reordered.
Term changes and breaches are derived from the snapshots (``campaigns.services``) and can be
recomputed; the snapshots themselves never change.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.chain import GENESIS, HashChained, utc_stamp

__all__ = ["GENESIS"]  # re-exported: the chain's start is core.chain's


def new_public_id() -> str:
    """A short unguessable id for public links (``/campaigns/<public_id>/report/``)."""
    alphabet = "23456789abcdefghjkmnpqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _i in range(10))


class Campaign(models.Model):
    """One 集赞换礼 promotion as it was announced (the terms of its first snapshot unless a
    regulator or integrator stated them explicitly)."""

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")
        HONOURED = "honoured", _("Honoured")
        PARTLY_HONOURED = "partly_honoured", _("Partly honoured")
        DISHONOURED = "dishonoured", _("Dishonoured")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DELETED = "deleted", _("Post deleted")

    public_id = models.CharField(
        _("public id"), max_length=16, unique=True, default=new_public_id, editable=False
    )
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("merchant"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    platform = models.CharField(_("platform"), max_length=20)
    handle = models.CharField(_("handle"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    gift = models.CharField(_("gift"), max_length=300, blank=True)
    gift_value = models.DecimalField(
        _("stated gift value (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    likes_required = models.PositiveIntegerField(_("likes required"), null=True, blank=True)
    conditions = models.JSONField(_("other conditions"), default=list, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=200, blank=True)
    place = models.CharField(_("redemption place and method"), max_length=300, blank=True)
    quantity_limit = models.PositiveIntegerField(_("limit on gifts"), null=True, blank=True)
    source_url = models.URLField(_("source post link"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ANNOUNCED, db_index=True
    )
    honour_flagged = models.BooleanField(_("low honour rate"), default=False, db_index=True)
    last_snapshot_hash = models.CharField(
        _("hash of the newest snapshot"), max_length=64, default=GENESIS
    )
    snapshot_count = models.PositiveIntegerField(_("snapshots"), default=0)
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("集赞 campaign")
        verbose_name_plural = _("集赞 campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/admin/campaigns/campaign/{self.pk}/change/"


class SnapshotQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("campaign snapshots are append-only")

    def delete(self):
        raise PermissionError("campaign snapshots are append-only")


class Snapshot(HashChained, models.Model):
    """One observation of a campaign's terms, or a regulator's correction of one."""

    class Source(models.TextChoices):
        INTEGRATOR = "integrator", _("Integrator")
        REGULATOR = "regulator", _("Regulator")
        CONSUMER = "consumer", _("Consumer screenshot (complaint)")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="snapshots"
    )
    sequence = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    captured_at = models.DateTimeField(_("captured at"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captured by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    captured_by_label = models.CharField(_("captured by (label)"), max_length=150, blank=True)
    observed_deleted = models.BooleanField(_("post observed deleted"), default=False)
    raw_text = models.TextField(_("raw text"), blank=True)
    terms = models.JSONField(_("structured terms"), default=dict, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text=_("A correction restates the terms of an earlier observation."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    complaint_ref = models.CharField(
        _("complaint tracking number"), max_length=32, blank=True, db_index=True
    )
    image = models.FileField(_("image evidence"), upload_to="campaign_snapshots/%Y/%m/", blank=True)
    image_sha256 = models.CharField(_("SHA-256 of the image"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, unique=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["campaign_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "sequence"], name="snapshot_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.captured_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("campaign snapshots are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("campaign snapshots are append-only")

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def post_external_id(self) -> str:
        """The id under which the snapshot's text went through the scanning pipeline."""
        return f"campaign-{self.campaign_id}-snapshot-{self.sequence}"

    HASH_FIELD = "content_sha256"

    def chain_body(self) -> dict:
        """What the hash covers: everything observed, who observed it, and the link."""
        return {
            "campaign_id": self.campaign_id,
            "sequence": self.sequence,
            "source": self.source,
            "captured_at": utc_stamp(self.captured_at),
            "captured_by_id": self.captured_by_id,
            "captured_by_label": self.captured_by_label,
            "observed_deleted": self.observed_deleted,
            "raw_text": self.raw_text,
            "terms": self.terms,
            "corrects_id": self.corrects_id,
            "note": self.note,
            "complaint_ref": self.complaint_ref,
            "image_sha256": self.image_sha256,
            "prev_hash": self.prev_hash,
        }


class TermChange(models.Model):
    """A difference between two consecutive observations (derived; recomputed on correction)."""

    class Direction(models.TextChoices):
        AGAINST_CONSUMER = "against_consumer", _("Against the consumer")
        IN_FAVOUR = "in_favour", _("In the consumer's favour")
        NEUTRAL = "neutral", _("Neutral")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="changes"
    )
    before_snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("before"), on_delete=models.PROTECT, related_name="+"
    )
    after_snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("after"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("term"), max_length=20)
    before = models.CharField(_("before"), max_length=500, blank=True, null=True)  # noqa: DJ001 - None: not stated
    after = models.CharField(_("after"), max_length=500, blank=True, null=True)  # noqa: DJ001 - None: not stated
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    explanation = models.CharField(_("explanation"), max_length=500)
    needs_review = models.BooleanField(_("needs review"), default=False)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)

    class Meta:
        verbose_name = _("term change")
        verbose_name_plural = _("term changes")
        ordering = ["after_snapshot__sequence", "id"]

    def __str__(self) -> str:
        return self.explanation


class Breach(models.Model):
    """A term change against the consumer, or a deletion while the campaign ran.

    Linked to the two snapshots that prove it. Kept when a correction makes it no longer
    derivable (``retracted_at`` is set instead), so a report opened from it keeps its source.
    """

    class Kind(models.TextChoices):
        TERM_CHANGE = "term_change", _("Terms changed against the consumer")
        DELETION = "deletion", _("Post deleted while the campaign ran")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="breaches"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=120)
    field = models.CharField(_("term"), max_length=20, blank=True)
    before = models.CharField(_("before"), max_length=500, blank=True, null=True)  # noqa: DJ001 - None: not stated
    after = models.CharField(_("after"), max_length=500, blank=True, null=True)  # noqa: DJ001 - None: not stated
    explanation = models.CharField(_("explanation"), max_length=500)
    before_snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot before"), on_delete=models.PROTECT, related_name="+"
    )
    after_snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot after"), on_delete=models.PROTECT, related_name="+"
    )
    detected_at = models.DateTimeField(_("detected"), default=timezone.now, db_index=True)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    report_case_id = models.PositiveBigIntegerField(_("举报 case id"), null=True, blank=True)
    report_tracking_number = models.CharField(_("举报 case"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="breach_unique_key")
        ]

    def __str__(self) -> str:
        return self.explanation

    @property
    def is_active(self) -> bool:
        return self.retracted_at is None


class RedemptionReport(models.Model):
    """A consumer's account of trying to redeem the gift."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("I received the gift")
        REFUSED = "refused", _("I was refused")
        OTHER_ITEM = "other_item", _("I received something else")
        ASKED_TO_PAY = "asked_to_pay", _("I was asked to pay")
        COME_BACK = "come_back", _("I was told to come back later")

    class Source(models.TextChoices):
        WEB = "web", _("Public form")
        API = "api", _("Partner API")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="reports"
    )
    likes_collected = models.PositiveIntegerField(_("likes collected"))
    collected_on = models.DateField(_("likes collected on"))
    redeemed_on = models.DateField(_("went to redeem on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    excuse_text = models.TextField(_("what the merchant said"), blank=True)
    excuses = models.JSONField(_("excuses found"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="web")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("redemption report")
        verbose_name_plural = _("redemption reports")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.submitted_at:%Y-%m-%d})"
