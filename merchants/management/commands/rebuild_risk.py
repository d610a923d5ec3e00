"""Compute every merchant's risk aggregates again from its findings and posts, then its score.

For a lexicon or ``RISK_HALF_LIFE_DAYS`` change and for audits: scans keep the aggregates up to
date on their own. Safe while the pipeline runs (each batch of merchants is one transaction).
"""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from merchants.models import Merchant
from merchants.risk import risk_aggregates_rebuild, risk_recompute_many


class Command(BaseCommand):
    help = "Rebuild the risk aggregates (tallies, post days) and scores of every merchant."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="merchants per transaction")
        parser.add_argument("--merchant", type=int, action="append", help="only these ids")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch, merchant, no_progress, **options):
        ids = merchant or list(Merchant.objects.order_by("pk").values_list("pk", flat=True))
        bar = tqdm(total=len(ids), unit=" merchants", disable=no_progress, file=sys.stderr)

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        try:
            for start in range(0, len(ids), batch):
                part = ids[start : start + batch]
                risk_aggregates_rebuild(merchant_ids=part, batch=batch)
                risk_recompute_many(merchant_ids=part)
                progress(min(start + batch, len(ids)), len(ids))
        finally:
            bar.close()
        self.stdout.write(f"rebuilt the risk aggregates of {len(ids):,} merchants")
