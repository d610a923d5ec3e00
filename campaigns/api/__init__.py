"""REST API for 集赞换礼 campaigns: integrators submit campaigns and snapshots; readers get the
snapshot chain, the classified term changes, breaches and honour rates.

Each view validates with its own serializer, calls one service or selector, and renders:
``serializers`` (input and output shapes), ``views`` (one API class per operation).
"""

from campaigns.api.views import (
    CampaignDetailApi,
    CampaignReportsApi,
    CampaignsApi,
    CampaignSnapshotsApi,
)

__all__ = ["CampaignDetailApi", "CampaignReportsApi", "CampaignSnapshotsApi", "CampaignsApi"]
