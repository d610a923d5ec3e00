"""One API class per operation: campaigns, a campaign, its snapshots, its redemption reports."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors, services
from campaigns.api.serializers import (
    BreachOutSerializer,
    CampaignCreateSerializer,
    CampaignDetailSerializer,
    CampaignOutSerializer,
    ReportCreateSerializer,
    ReportOutSerializer,
    SnapshotCreateJsonSerializer,
    SnapshotCreateSerializer,
    SnapshotOutSerializer,
    SnapshotResultSerializer,
    TermChangeOutSerializer,
)
from campaigns.models import Campaign, RedemptionReport
from campaigns.selectors import campaigns_visible
from core.api.pagination import StandardPagination
from core.api.parsers import JSONParser
from core.api.regions import request_region_prefixes
from core.api.schema import ERRORS, not_found
from core.api.validators import MAX_ID, query_choice, query_id
from core.errors import ValidationFailed

NOT_FOUND = not_found("No such campaign in the regions this token may see, or a page past the end")


CREATE_EXAMPLE = {
    "merchant": {"platform": "wechat_id", "handle": "baby_shop_gz", "region_code": "440103"},
    "title": "转发集赞送保温杯",
    "text": "转发本文到朋友圈集满38个赞，即可到店免费领取价值58元的保温杯一个，截止2026年12月6日。",
    "source_url": "https://mp.weixin.qq.com/s/abc",
    "captured_at": "2026-11-20T10:15:00+08:00",
}


def _visible(request):
    return campaigns_visible(request_region_prefixes(request))


def _detail(request, pk: int):
    return get_object_or_404(_visible(request), pk=pk)


class CampaignsApi(APIView):
    required_scopes = {"GET": "campaigns:read", "POST": "campaigns:write"}
    # The merchant and terms are nested objects, which form encodings cannot carry.
    parser_classes = [JSONParser]
    pagination_class = StandardPagination

    @extend_schema(
        summary="Submit a 集赞换礼 campaign (and its first snapshot)",
        description=(
            "The merchant is resolved by handle (created unverified when new). The terms are "
            "read from `text` with the capture date as reference date; anything in `terms` "
            "overrides what was read. The text becomes snapshot #1 of the campaign's hash "
            "chain and goes through the scanning pipeline like a post. A token limited to "
            "regions may only submit campaigns of merchants already in them, or new ones it "
            "creates there; a merchant without a region is outside every region, and naming "
            "a region for it does not claim it."
        ),
        request=CampaignCreateSerializer,
        responses={201: CampaignDetailSerializer, **ERRORS},
        examples=[OpenApiExample("A Moments notice", value=CREATE_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        serializer = CampaignCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        m = d["merchant"]
        result = services.campaign_create(
            platform=m["platform"],
            handle=m["handle"],
            display_name=m.get("display_name", ""),
            region_code=m.get("region_code", ""),
            title=d["title"],
            text=d["text"],
            terms=_terms_input(d.get("terms")),
            starts_on=d["starts_on"],
            source_url=d.get("source_url", ""),
            captured_at=d["captured_at"],
            actor=request.user,
            allowed_prefixes=request_region_prefixes(request),
        )
        campaign = _detail_unscoped(result.snapshot.campaign_id)
        return Response(CampaignDetailSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List campaigns with breaches and honour rates",
        parameters=[
            OpenApiParameter("merchant", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            OpenApiParameter("status", str, enum=Campaign.Status.values),
            OpenApiParameter("has_breaches", bool),
            OpenApiParameter("flagged", bool, description="Low honour rate"),
        ],
        responses={200: CampaignOutSerializer(many=True), **ERRORS, **NOT_FOUND},
    )
    def get(self, request):
        qs = _visible(request)
        params = request.query_params
        merchant = query_id(params, "merchant")
        if merchant is not None:
            qs = qs.filter(merchant_id=merchant)
        state = query_choice(params, "status", Campaign.Status.values)
        if state:
            qs = qs.filter(status=state)
        for name, lookup in (("has_breaches", "breach_count__gt"), ("flagged", "honour_flagged")):
            value = params.get(name)
            if not value:  # absent or empty: no filter
                continue
            if value not in ("true", "false", "1", "0"):
                raise ValidationFailed(f"{name} must be true or false", fields={name: ["invalid"]})
            truthy = value in ("true", "1")
            if name == "has_breaches":
                qs = qs.filter(breach_count__gt=0) if truthy else qs.filter(breach_count=0)
            else:
                qs = qs.filter(**{lookup: truthy})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(CampaignOutSerializer(page, many=True).data)


class CampaignDetailApi(APIView):
    required_scopes = {"GET": "campaigns:read"}

    @extend_schema(
        summary="A campaign with its snapshot chain, term changes and breaches",
        description=(
            "`snapshots` is the hash chain in order (`prev_hash` links each to the one before); "
            "`chain_intact` is recomputed on every request. `changes` are the classified "
            "differences between consecutive observations (`against_consumer`, `in_favour`, "
            "`neutral`); `breaches` name the two snapshots that prove each one."
        ),
        responses={200: CampaignDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, pk: int):
        return Response(CampaignDetailSerializer(_detail(request, pk)).data)


class CampaignSnapshotsApi(APIView):
    required_scopes = {"POST": "campaigns:write"}
    parser_classes = [JSONParser, MultiPartParser]  # multipart for the screenshot

    @extend_schema(
        summary="Record an observation of a campaign (text, screenshot, or the post deleted)",
        description=(
            "Appends a snapshot to the campaign's hash chain, parses its terms (capture date "
            "as reference date), compares them with the previous observation and returns the "
            "changes and any new breaches. Send JSON, or multipart with `image` for a "
            "screenshot. `observed_deleted: true` records that the post was found gone."
        ),
        request={
            "application/json": SnapshotCreateJsonSerializer,
            "multipart/form-data": SnapshotCreateSerializer,
        },
        responses={201: SnapshotResultSerializer, **ERRORS, **NOT_FOUND},
        examples=[
            OpenApiExample(
                "Terms raised",
                value={
                    "text": "转发集满88个赞，即可到店领取价值58元的保温杯，截止2026年12月6日",
                    "captured_at": "2026-11-22T09:00:00+08:00",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Post deleted",
                value={"observed_deleted": True, "captured_at": "2026-11-23T09:00:00+08:00"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, pk: int):
        campaign = _detail(request, pk)
        serializer = SnapshotCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        image = None
        if d["image"]:
            upload = d["image"]
            if upload.size > services.image_limit_bytes():
                raise ValidationFailed("screenshot too large", fields={"image": ["too large"]})
            image = services.ImageInput(content=upload.read(), name=upload.name or "")
        result = services.snapshot_record(
            campaign=campaign,
            text=d["text"],
            observed_deleted=d["observed_deleted"],
            captured_at=d["captured_at"],
            source=d["source"],
            complaint_ref=d["complaint_ref"],
            image=image,
            actor=request.user,
        )
        body = {
            "snapshot": SnapshotOutSerializer(result.snapshot).data,
            "changes": TermChangeOutSerializer(result.changes, many=True).data,
            "new_breaches": BreachOutSerializer(result.new_breaches, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class CampaignReportsApi(APIView):
    required_scopes = {"POST": "campaigns:write"}
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Submit a consumer's redemption report (for partner consumer apps)",
        request=ReportCreateSerializer,
        responses={201: ReportOutSerializer, **ERRORS, **NOT_FOUND},
    )
    def post(self, request, pk: int):
        campaign = _detail(request, pk)
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_submit(
            campaign=campaign, source=RedemptionReport.Source.API, **serializer.validated_data
        )
        return Response(ReportOutSerializer(report).data, status=status.HTTP_201_CREATED)


def _terms_input(terms: dict | None) -> dict:
    if not terms:
        return {}
    out = dict(terms)
    if "conditions" in out:
        out["conditions"] = list(out["conditions"])
    return out


def _detail_unscoped(pk: int) -> Campaign:
    return selectors.campaigns_visible(None).get(pk=pk)
