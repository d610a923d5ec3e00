"""Structured terms of a 集赞换礼 campaign, extracted from the notice's raw text.

``parse_terms(text, reference_date=None)`` returns a :class:`CampaignTerms`.
"""

from campaigns.terms.model import CampaignTerms, Tier
from campaigns.terms.parse import parse_terms
from campaigns.terms.text import cn_int, core, normalize, normalize_with_offsets

__all__ = [
    "CampaignTerms",
    "Tier",
    "cn_int",
    "core",
    "normalize",
    "normalize_with_offsets",
    "parse_terms",
]
