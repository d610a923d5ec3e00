"""``manage.py reparse_campaign_terms``: read stored notices again with the current parser.

A parser change never rewrites stored terms: each snapshot's terms are part of its SHA-256 and
of the chain. Re-parsing is a **new, audited derived record** instead — for every observation
whose text the current parser reads differently from the terms that stand for it, a correction
snapshot (``corrects`` → the observation, ``source=regulator``, the reason in ``note``) is
appended to the chain, an ``campaign.terms_reparsed`` audit entry records the old and new terms,
and changes and breaches are derived again (a breach that no longer follows is retracted, never
deleted).

Without ``--apply`` the command only lists what would change. A regulator's own correction is
never overridden: observations whose standing terms come from a correction that is not an
earlier re-parse are skipped. Running it twice writes nothing the second time.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.changes import CHINA_TZ
from campaigns.models import Campaign, Snapshot
from campaigns.services import _record, effective_observations
from campaigns.terms import CampaignTerms, parse_terms
from core.audit import audit_log

MARK = "重新解析"  # the note of every correction this command writes starts with it
LABEL = "reparse_campaign_terms"


def _standing_correction(campaign: Campaign, observation: Snapshot) -> Snapshot | None:
    return (
        Snapshot.objects.filter(campaign_id=campaign.pk, corrects_id=observation.pk)
        .order_by("-sequence")
        .first()
    )


class Command(BaseCommand):
    help = (
        "Parse every stored campaign notice again with the current parser; with --apply, record "
        "each difference as an audited correction snapshot (stored terms are never rewritten). "
        "用当前解析器重新解析集赞活动快照，差异以新的更正快照记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_ids", nargs="*", type=int, help="only these campaigns")
        parser.add_argument("--apply", action="store_true", help="write the corrections")
        parser.add_argument("--reason", default="", help="why (required with --apply)")

    def handle(self, *args, **options):
        apply = options["apply"]
        reason = (options["reason"] or "").strip()
        if apply and not reason:
            raise CommandError("--reason is required with --apply")
        qs = Campaign.objects.order_by("pk")
        if options["campaign_ids"]:
            qs = qs.filter(pk__in=options["campaign_ids"])
        differing = written = skipped = 0
        for campaign in qs.iterator(chunk_size=200):
            for observation, standing in effective_observations(campaign):
                if not observation.raw_text.strip():
                    continue
                correction = _standing_correction(campaign, observation)
                if correction is not None and not correction.note.startswith(MARK):
                    skipped += 1  # a regulator restated these terms: theirs stand
                    continue
                captured = observation.captured_at.astimezone(CHINA_TZ).date()
                fresh = parse_terms(observation.raw_text, reference_date=captured)
                if fresh.to_dict() == standing.to_dict():
                    continue
                differing += 1
                self.stdout.write(
                    f"campaign {campaign.pk} snapshot #{observation.sequence}: "
                    f"{_diff(standing, fresh)}"
                )
                if apply:
                    self._write(campaign, observation, standing, fresh, reason)
                    written += 1
        verb = "recorded" if apply else "would be recorded (dry run; use --apply)"
        self.stdout.write(
            f"{differing} observation(s) read differently; {written if apply else differing} "
            f"correction(s) {verb}; {skipped} kept a regulator's correction"
        )

    def _write(self, campaign, observation, standing, fresh, reason):
        with transaction.atomic():
            result = _record(
                campaign=campaign,
                text=observation.raw_text,
                terms=fresh,
                observed_deleted=observation.observed_deleted,
                captured_at=timezone.now(),
                source=Snapshot.Source.REGULATOR,
                actor=None,
                actor_label=LABEL,
                corrects=observation,
                note=f"{MARK}：{reason}"[:500],
            )
            audit_log(
                "campaign.terms_reparsed",
                actor_label=LABEL,
                target=result.snapshot.campaign,
                data={
                    "observation_id": observation.pk,
                    "observation_sequence": observation.sequence,
                    "correction_id": result.snapshot.pk,
                    "correction_sha256": result.snapshot.content_sha256,
                    "reason": reason,
                    "before": standing.to_dict(),
                    "after": fresh.to_dict(),
                },
            )


def _diff(before: CampaignTerms, after: CampaignTerms) -> str:
    b, a = before.to_dict(), after.to_dict()
    parts = [
        f"{k}: {b.get(k)!r} → {a.get(k)!r}" for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)
    ]
    return "; ".join(parts)
