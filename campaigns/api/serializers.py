"""The campaigns API's input serializers and output shapes."""

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from campaigns.chain import verify_campaign
from campaigns.models import Breach, Campaign, RedemptionReport, Snapshot, TermChange
from campaigns.selectors import honour_rate
from core.api.strict import HttpUrlField, PlausibleTimeField, StrictSerializer
from merchants.api import MerchantRefSerializer
from merchants.posts import MAX_TEXT_CHARS


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
