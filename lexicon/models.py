"""The editable lexicon: rule rows regulators change, and the immutable versions they produce."""

from django.conf import settings
from django.db import models
from django.db.models.functions import MD5
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LexiconVersion(models.Model):
    """A frozen copy of the whole lexicon. Findings record the version that produced them."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    content = models.JSONField(_("content"))
    rule_count = models.PositiveIntegerField(_("rules"), default=0)

    class Meta:
        verbose_name = _("lexicon version")
        verbose_name_plural = _("lexicon versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class LexiconRule(models.Model):
    """One editable deny term or pattern (the working copy; publishing makes a version)."""

    class Category(models.TextChoices):
        COUNTERFEIT = "counterfeit", _("Counterfeit")
        FALSE_AD = "false_ad", _("False advertising")
        THREE_NO = "three_no", _("三无 products")
        PHISHING = "phishing", _("Phishing / payment fraud")

    class Mode(models.TextChoices):
        SUBSTRING = "substring", _("Anywhere in the text")
        WORD = "word", _("Whole word")
        CLAIM = "claim", _("Claim (whole word, not negated)")
        PATTERN = "pattern", _("Pattern (regular expression)")
        HOST = "host", _("Payment brand in a link")

    term = models.CharField(_("term or pattern"), max_length=2000)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    rule_id = models.CharField(_("rule id"), max_length=60, help_text=_("e.g. false_ad.absolute"))
    severity = models.PositiveSmallIntegerField(_("severity (1–5)"))
    mode = models.CharField(_("match mode"), max_length=10, choices=Mode.choices)
    exceptions = models.TextField(
        _("exceptions"),
        blank=True,
        help_text=_("Allowed phrases containing the term, one per line (e.g. 最近)."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lexicon rule")
        verbose_name_plural = _("lexicon rules")
        ordering = ["category", "rule_id", "term"]
        # the term through its MD5: an index entry holds the digest, not the term, so a long
        # pattern (a slot family expands to thousands of bytes) fits PostgreSQL's btree limit
        constraints = [
            models.UniqueConstraint(
                MD5("term"),
                "rule_id",
                "mode",
                name="lexicon_rule_unique",
                violation_error_message=_("A rule with this term, rule id and mode exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.rule_id})"

    @property
    def exception_list(self) -> list[str]:
        return [line.strip() for line in self.exceptions.splitlines() if line.strip()]


class RescanJob(models.Model):
    """Rescanning stored posts with a lexicon version, in resumable chunks."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    lexicon_version = models.ForeignKey(
        LexiconVersion, verbose_name=_("lexicon version"), on_delete=models.PROTECT
    )
    region_prefix = models.CharField(_("region prefix"), max_length=6, blank=True)
    captured_from = models.DateTimeField(_("captured from"), null=True, blank=True)
    captured_to = models.DateTimeField(_("captured to"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("posts to rescan"), default=0)
    done = models.PositiveIntegerField(_("posts rescanned"), default=0)
    changed = models.PositiveIntegerField(_("posts whose findings changed"), default=0)
    cursor = models.BigIntegerField(_("last post id done"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("rescan")
        verbose_name_plural = _("rescans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"rescan #{self.pk} with v{self.lexicon_version.number}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
