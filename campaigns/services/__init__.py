"""Every write to campaigns: creating a campaign, recording and correcting snapshots, deriving
term changes and breaches, redemption reports, honour rates, and the merchant's risk parts.

Views, the API, the admin and commands call these functions; nothing else writes. The legal
basis (《规范促销行为暂行规定》, 《消费者权益保护法实施条例》 Art 7) is in docs/campaigns.md.
One module per part: ``lifecycle``, ``snapshots``, ``breaches``, ``redemption``; ``common``
holds the shared constants and helpers.
"""

from campaigns.services.breaches import breach_open_report, effective_observations
from campaigns.services.common import TERM_FIELDS, ImageInput, file_sha256, image_limit_bytes
from campaigns.services.lifecycle import campaign_create, campaign_set_status
from campaigns.services.redemption import honour_compute, report_submit
from campaigns.services.snapshots import _record, snapshot_correct, snapshot_record

__all__ = [
    "TERM_FIELDS",
    "ImageInput",
    "_record",
    "breach_open_report",
    "campaign_create",
    "campaign_set_status",
    "effective_observations",
    "file_sha256",
    "honour_compute",
    "image_limit_bytes",
    "report_submit",
    "snapshot_correct",
    "snapshot_record",
]
