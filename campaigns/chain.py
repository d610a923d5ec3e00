"""Verify the snapshot chains: every snapshot's content matches its SHA-256, each links to the
one before it (both through the project's one chain walk, ``core.chain``), numbers run without
gaps, the campaign's head names the newest, and stored images still have the hash recorded for
them."""

from collections.abc import Iterator
from dataclasses import dataclass

from campaigns.models import Campaign, Snapshot
from campaigns.services import file_sha256
from core.chain import CONTENT, GENESIS, LINK, chain_walk


@dataclass(frozen=True)
class ChainBreak:
    campaign_id: int
    snapshot_id: int | None
    sequence: int | None
    reason: str

    def __str__(self) -> str:
        where = f"campaign {self.campaign_id}"
        if self.snapshot_id is not None:
            where += f" snapshot #{self.sequence} (id {self.snapshot_id})"
        return f"{where}: {self.reason}"


def verify_campaign(campaign: Campaign, *, check_images: bool = True) -> Iterator[ChainBreak]:
    prev = GENESIS
    expected = 1
    last = None
    snapshots = Snapshot.objects.filter(campaign_id=campaign.pk).order_by("sequence", "id")
    for snap, problems in chain_walk(snapshots):
        if snap.sequence != expected:
            yield ChainBreak(
                campaign.pk, snap.pk, snap.sequence, f"expected number {expected} (a gap or repeat)"
            )
        if LINK in problems:
            yield ChainBreak(
                campaign.pk,
                snap.pk,
                snap.sequence,
                "previous-hash link broken (a snapshot was removed or reordered)",
            )
        if CONTENT in problems:
            yield ChainBreak(
                campaign.pk,
                snap.pk,
                snap.sequence,
                "content does not match its hash (the snapshot was altered)",
            )
        if check_images and snap.image:
            try:
                actual = file_sha256(snap.image.name)
            except OSError:
                actual = None
            if actual != snap.image_sha256:
                yield ChainBreak(
                    campaign.pk,
                    snap.pk,
                    snap.sequence,
                    "image file is missing or does not match its SHA-256",
                )
        prev = snap.content_sha256
        expected = snap.sequence + 1
        last = snap
    if campaign.last_snapshot_hash != prev or campaign.snapshot_count != expected - 1:
        yield ChainBreak(
            campaign.pk,
            last.pk if last else None,
            last.sequence if last else None,
            "newest snapshots are missing (the campaign's chain head does not match)",
        )


def verify_all(*, campaign_ids: list[int] | None = None) -> Iterator[ChainBreak]:
    qs = Campaign.objects.order_by("pk")
    if campaign_ids:
        qs = qs.filter(pk__in=campaign_ids)
    for campaign in qs.iterator(chunk_size=500):
        yield from verify_campaign(campaign)
