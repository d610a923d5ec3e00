"""Cross-cutting models: the audit log, integrator API tokens and the task outbox."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from core.chain import HashChained, utc_stamp


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(HashChained, models.Model):
    """One thing somebody did, chained to the entry before it by SHA-256.

    Written only through ``core.audit.audit_log``; never updated or deleted by the app
    (and, on PostgreSQL, a trigger refuses UPDATE and DELETE). ``manage.py verify_audit``
    recomputes the chain and names the first row that does not match.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True, db_index=True)
    target_id = models.CharField(_("target id"), max_length=200, blank=True, db_index=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    def chain_body(self) -> dict:
        """What the hash covers: every field but the hash itself, in a fixed form."""
        return {
            "created_at": utc_stamp(self.created_at),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target_repr": self.target_repr,
            "ip": self.ip,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }


class AuditHead(models.Model):
    """A single row holding the newest hash; locking it serialises writers of the chain."""

    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class ApiTokenManager(BaseAPIKeyManager):
    pass


class ApiToken(AbstractAPIKey):
    """An integrator's token: only a SHA-512 of the key is stored; scopes limit what it may do."""

    scopes = models.JSONField(
        _("scopes"), default=list, blank=True, help_text=_("e.g. posts:write, merchants:read")
    )
    regions = models.CharField(
        _("regions"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated GB/T 2260 region prefixes this token may see; empty = all."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def region_prefixes(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]


class OutboxMessage(models.Model):
    """Work that must not be lost: written in the same transaction as the data it concerns,
    published to Celery after commit, re-published by the sweeper until a worker completes it."""

    task_name = models.CharField(max_length=150)
    payload = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [models.Index(fields=["completed_at", "published_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class StaffProfile(models.Model):
    """What a regulator's account needs beyond Django's user: the regions it works in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    regions = models.CharField(
        _("regions"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated GB/T 2260 codes; a province code (440000) covers its cities, "
            "a city code (440100) its districts."
        ),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.regions})"


class HolidaySchedule(models.Model):
    """One year's official holiday schedule (放假安排), as the General Office of the State Council
    publishes it each year: the days off (放假) and the weekend days that are worked (调休上班).

    A year with a schedule here is counted officially; a year without one is counted on the
    provisional rule of ``core.workdays`` and every deadline reaching it is marked 暂估.
    Written only through ``core.workdays.holiday_schedule_enter`` (audited)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("notice"), max_length=200, help_text=_("The notice's number, e.g. 国办发明电〔2025〕7号")
    )
    source_url = models.URLField(_("link to the notice"), max_length=500, blank=True)
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    entered_by = models.CharField(_("entered by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class HolidayDay(models.Model):
    """A day of a year's schedule that differs from the plain week: off, or worked."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off (放假)")
        WORKDAY = "workday", _("Make-up working day (调休上班)")

    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("festival"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class DocumentCounter(models.Model):
    """The last 文号 sequence an office used in a year (one row per office and year)."""

    office_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office_code", "year"], name="document_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.office_code}/{self.year}: {self.last}"


class FormalDocument(models.Model):
    """A numbered formal document issued by an office (行政警示函, 协助冻结函, 移送函): its 文号,
    addressee and text as issued, printable as PDF, and the addressee's reply when one comes.
    Written only by ``core.documents``."""

    class Kind(models.TextChoices):
        WARNING_LETTER = "warning_letter", _("Administrative warning letter")
        FREEZE_REQUEST = "freeze_request", _("Request to assist in freezing an account")
        REFERRAL = "referral", _("Referral letter")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=60)
    office_code = models.CharField(_("issuing office region"), max_length=6)
    office_name = models.CharField(_("issuing office"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    addressee = models.CharField(_("addressee"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply_at = models.DateTimeField(_("reply received"), null=True, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)

    class Meta:
        verbose_name = _("formal document")
        verbose_name_plural = _("formal documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office_code", "year", "sequence"], name="document_number_once"
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="document_target_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
