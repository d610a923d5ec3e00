"""REST API for 集赞换礼 campaigns: integrators submit campaigns and snapshots; readers get the
snapshot chain, the classified term changes, breaches and honour rates.

Each view validates with its own serializer, calls one service or selector, and renders.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import selectors, services
from campaigns.chain import verify_campaign
from campaigns.models import Breach, Campaign, RedemptionReport, Snapshot, TermChange
from campaigns.selectors import campaigns_visible, honour_rate
from core.api.pagination import StandardPagination
from core.api.parsers import JSONParser
from core.api.regions import request_region_prefixes
from core.api.schema import ERRORS, not_found
from core.api.strict import HttpUrlField, PlausibleTimeField, StrictSerializer
from core.api.validators import MAX_ID, query_choice, query_id
from core.errors import ValidationFailed
from merchants.api import MerchantRefSerializer
from merchants.posts import MAX_TEXT_CHARS

NOT_FOUND = not_found("No such campaign in the regions this token may see, or a page past the end")


# --- input --------------------------------------------------------------------------------------


class CampaignTermsSerializer(StrictSerializer):
    """Structured terms. In input every key is optional and overrides what the text says."""

    likes = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True)
    gift = serializers.CharField(max_length=300, allow_null=True, allow_blank=True)
    gift_value = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, allow_null=True, coerce_to_string=True
    )
    deadline_text = serializers.CharField(max_length=200, allow_null=True, allow_blank=True)
    deadline = serializers.DateField(allow_null=True)
    place = serializers.CharField(max_length=300, allow_null=True, allow_blank=True)
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False
    )
    quantity_limit = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise serializers.ValidationError("the text contains a NUL character")
    return value


class CampaignCreateSerializer(StrictSerializer):
    merchant = MerchantRefSerializer()
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(
        max_length=MAX_TEXT_CHARS,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        help_text="The notice as published; parsed for the terms and scanned like a post.",
    )
    terms = CampaignTermsSerializer(required=False)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    source_url = HttpUrlField(max_length=1000, required=False)  # absent means none
    captured_at = PlausibleTimeField(required=False, allow_null=True, default=None)

    def validate_text(self, value: str) -> str:
        return _clean_text(value)

    def validate(self, attrs):
        if not attrs.get("text", "").strip() and not attrs.get("terms"):
            raise serializers.ValidationError({"text": ["give the notice text or its terms"]})
        return attrs


class SnapshotCreateSerializer(StrictSerializer):
    text = serializers.CharField(
        max_length=MAX_TEXT_CHARS,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
    )
    observed_deleted = serializers.BooleanField(
        required=False, default=False, help_text="The post was found deleted (text may be empty)."
    )
    captured_at = PlausibleTimeField(required=False, allow_null=True, default=None)
    source = serializers.ChoiceField(
        choices=[Snapshot.Source.INTEGRATOR, Snapshot.Source.CONSUMER],
        required=False,
        default=Snapshot.Source.INTEGRATOR,
    )
    complaint_ref = serializers.CharField(
        max_length=32,
        required=False,
        default="",
        allow_blank=True,
        help_text="Tracking number of the complaint a consumer's screenshot came with.",
    )
    image = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Screenshot (multipart only); stored privately with its SHA-256.",
    )

    def validate_text(self, value: str) -> str:
        return _clean_text(value)

    def validate(self, attrs):
        if not attrs["observed_deleted"] and not attrs["text"].strip() and not attrs["image"]:
            raise serializers.ValidationError(
                {"text": ["give the text, a screenshot, or observed_deleted: true"]}
            )
        return attrs


class SnapshotCreateJsonSerializer(SnapshotCreateSerializer):
    """The schema of a JSON snapshot: the same fields without the screenshot, which only
    multipart can carry (one component per content type, so generated clients send each
    content type its own body). Documentation only: both are validated by the full one."""

    image = None


class ReportCreateSerializer(StrictSerializer):
    likes_collected = serializers.IntegerField(min_value=0, max_value=100_000)
    collected_on = serializers.DateField()
    redeemed_on = serializers.DateField(required=False, allow_null=True, default=None)
    outcome = serializers.ChoiceField(choices=RedemptionReport.Outcome.choices)
    excuse_text = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )


# --- output -------------------------------------------------------------------------------------


class CampaignMerchantOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    region_code = serializers.CharField()


class CampaignOutSerializer(serializers.ModelSerializer):
    merchant = CampaignMerchantOutSerializer()
    breach_count = serializers.IntegerField()
    report_count = serializers.IntegerField()
    refusal_count = serializers.IntegerField()
    honour_rate = serializers.SerializerMethodField()
    gift_value = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    source_url = serializers.CharField()  # as sent (HTTP_URL), not necessarily an RFC 3986 URI

    class Meta:
        model = Campaign
        fields = [
            "id", "public_id", "merchant", "platform", "handle", "title", "gift", "gift_value",
            "likes_required", "conditions", "starts_on", "deadline", "deadline_text", "place",
            "quantity_limit", "source_url", "status", "snapshot_count", "breach_count",
            "report_count", "refusal_count", "honour_rate", "honour_flagged", "created_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_honour_rate(self, campaign) -> float | None:
        return honour_rate(campaign)


class SnapshotOutSerializer(serializers.ModelSerializer):
    corrects = serializers.IntegerField(source="corrects.sequence", allow_null=True, default=None)
    has_image = serializers.SerializerMethodField()
    terms = CampaignTermsSerializer()

    class Meta:
        model = Snapshot
        fields = [
            "id", "sequence", "source", "captured_at", "captured_by_label", "observed_deleted",
            "raw_text", "terms", "corrects", "note", "complaint_ref", "has_image",
            "image_sha256", "prev_hash", "content_sha256", "recorded_at",
        ]  # fmt: skip

    def get_has_image(self, snap) -> bool:
        return bool(snap.image)


class TermChangeOutSerializer(serializers.ModelSerializer):
    before_sequence = serializers.IntegerField(source="before_snapshot.sequence")
    after_sequence = serializers.IntegerField(source="after_snapshot.sequence")

    class Meta:
        model = TermChange
        fields = [
            "field", "before", "after", "direction", "explanation", "needs_review",
            "before_sequence", "after_sequence",
        ]  # fmt: skip


class BreachOutSerializer(serializers.ModelSerializer):
    before_sequence = serializers.IntegerField(source="before_snapshot.sequence")
    after_sequence = serializers.IntegerField(source="after_snapshot.sequence")
    before_sha256 = serializers.CharField(source="before_snapshot.content_sha256")
    after_sha256 = serializers.CharField(source="after_snapshot.content_sha256")

    class Meta:
        model = Breach
        fields = [
            "id", "kind", "field", "before", "after", "explanation", "before_sequence",
            "after_sequence", "before_sha256", "after_sha256", "detected_at", "retracted_at",
            "report_tracking_number",
        ]  # fmt: skip


class CampaignChainBreakSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class CampaignDetailSerializer(CampaignOutSerializer):
    snapshots = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    breaches = serializers.SerializerMethodField()
    chain_intact = serializers.SerializerMethodField()
    chain_breaks = serializers.SerializerMethodField()

    class Meta(CampaignOutSerializer.Meta):
        fields = [
            *CampaignOutSerializer.Meta.fields,
            "snapshots",
            "changes",
            "breaches",
            "chain_intact",
            "chain_breaks",
        ]

    @extend_schema_field(SnapshotOutSerializer(many=True))
    def get_snapshots(self, campaign) -> list:
        rows = campaign.snapshots.select_related("corrects").order_by("sequence")
        return SnapshotOutSerializer(rows, many=True).data

    @extend_schema_field(TermChangeOutSerializer(many=True))
    def get_changes(self, campaign) -> list:
        rows = campaign.changes.select_related("before_snapshot", "after_snapshot")
        return TermChangeOutSerializer(rows, many=True).data

    @extend_schema_field(BreachOutSerializer(many=True))
    def get_breaches(self, campaign) -> list:
        rows = campaign.breaches.select_related("before_snapshot", "after_snapshot").order_by(
            "after_snapshot__sequence", "id"
        )
        return BreachOutSerializer(rows, many=True).data

    def _breaks(self, campaign):
        if not hasattr(self, "_cached_breaks"):
            self._cached_breaks = list(verify_campaign(campaign))
        return self._cached_breaks

    def get_chain_intact(self, campaign) -> bool:
        return not self._breaks(campaign)

    @extend_schema_field(CampaignChainBreakSerializer(many=True))
    def get_chain_breaks(self, campaign) -> list:
        return [{"sequence": b.sequence, "reason": b.reason} for b in self._breaks(campaign)]


class SnapshotResultSerializer(serializers.Serializer):
    snapshot = SnapshotOutSerializer()
    changes = TermChangeOutSerializer(many=True)
    new_breaches = BreachOutSerializer(many=True)


class ReportOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = RedemptionReport
        fields = [
            "id", "likes_collected", "collected_on", "redeemed_on", "outcome", "excuse_text",
            "excuses", "submitted_at",
        ]  # fmt: skip


# --- views --------------------------------------------------------------------------------------

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
