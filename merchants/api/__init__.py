"""REST API for integrators: posts in, merchants, findings and the lexicon out.

Each view validates with its own serializer, calls one service or selector, and renders:
``serializers`` (input and output shapes, and the ingest's fast check of plain JSON posts, equal
to the serializer's), ``views`` (one API class per operation).
"""

from merchants.api.serializers import (
    MerchantRefSerializer,
    PostInSerializer,
    PostReceiptSerializer,
    _plain_post_input,
)
from merchants.api.views import (
    FindingsApi,
    LexiconApi,
    MerchantDetailApi,
    MerchantsApi,
    PostDetailApi,
    PostsApi,
)

__all__ = [
    "FindingsApi",
    "LexiconApi",
    "MerchantDetailApi",
    "MerchantRefSerializer",
    "MerchantsApi",
    "PostDetailApi",
    "PostInSerializer",
    "PostReceiptSerializer",
    "PostsApi",
    "_plain_post_input",
]
