"""The posts API's input serializers and the output shapes of posts, merchants and findings."""

from django.core.validators import RegexValidator
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from core.api.strict import (
    HttpUrlField,
    PlausibleTimeField,
    StrictSerializer,
    format_problem,
)
from core.regions import REGION_CODE_PATTERN, is_region_code
from merchants.handles import handle_problem
from merchants.models import Finding, Merchant, MerchantAccount, Post
from merchants.posts import MAX_TEXT_CHARS, PostInput
from merchants.risk import risk_breakdown


class MerchantRefSerializer(StrictSerializer):
    platform = serializers.ChoiceField(choices=MerchantAccount.Platform.choices)
    handle = serializers.CharField(max_length=200)
    # Optional but never blank: no ``default=""`` (the schema would then offer a default its own
    # ``minLength: 1`` forbids, which generated clients send); absent means empty.
    display_name = serializers.CharField(max_length=200, required=False)
    region_code = serializers.CharField(
        max_length=6,
        required=False,
        validators=[RegexValidator(REGION_CODE_PATTERN, "not a 6-digit GB/T 2260 region code")],
    )

    def validate(self, attrs):
        if problem := handle_problem(attrs["platform"], attrs["handle"]):
            raise serializers.ValidationError({"handle": [problem]})
        return attrs


class PostInSerializer(StrictSerializer):
    source = serializers.ChoiceField(choices=Post.Source.choices)
    external_id = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=MAX_TEXT_CHARS, trim_whitespace=False)
    url = HttpUrlField(max_length=1000, required=False)  # absent means none
    posted_at = PlausibleTimeField(required=False, allow_null=True, default=None)
    merchant = MerchantRefSerializer()

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("the text is empty")
        if "\x00" in value:
            raise serializers.ValidationError("the text contains a NUL character")
        return value

    def to_input(self) -> PostInput:
        return self.input_from(self.validated_data)

    @classmethod
    def validate_batch(cls, items: list) -> tuple[list[PostInput], dict[str, dict]]:
        """Validate a batch: the inputs if every item is valid, else ``{index: errors}``.

        DRF's serializer machinery costs ~0.1 ms per post, more than storing it. An item made
        only of plain values that the declared fields accept unchanged (no trimming, no
        coercion, within the limits) is taken directly, its optional URL and time validated by
        those same field objects; any other item goes through the serializer, so the errors
        and conversions are exactly DRF's (tests/merchants/test_post_validation.py compares
        both paths on generated input)."""
        errors: dict[str, dict] = {}
        inputs: list[PostInput] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                errors[str(i)] = {"non_field_errors": ["expected an object"]}
                continue
            plain = _plain_post_input(item)
            if plain is not None:
                inputs.append(plain)
                continue
            one = cls(data=item)
            if one.is_valid():
                inputs.append(one.to_input())
            else:
                errors[str(i)] = one.errors
        return ([] if errors else inputs), errors

    @staticmethod
    def input_from(d: dict) -> PostInput:
        m = d["merchant"]
        return PostInput(
            source=d["source"],
            external_id=d["external_id"],
            text=d["text"],
            url=d.get("url", ""),
            posted_at=d["posted_at"],
            platform=m["platform"],
            handle=m["handle"],
            display_name=m.get("display_name", ""),
            region_code=m.get("region_code", ""),
        )


class FindingOutSerializer(serializers.ModelSerializer):
    lexicon_version = serializers.IntegerField(source="lexicon_version.number")

    class Meta:
        model = Finding
        fields = [
            "id", "category", "rule", "term", "matched", "start", "end", "severity", "context",
            "legal_basis", "lexicon_version", "is_current", "review", "created_at",
        ]  # fmt: skip


class PostOutSerializer(serializers.ModelSerializer):
    lexicon_version = serializers.IntegerField(
        source="lexicon_version.number", allow_null=True, default=None
    )
    merchant = serializers.IntegerField(source="merchant_id")
    url = serializers.CharField()  # as sent (HTTP_URL), not necessarily an RFC 3986 URI

    class Meta:
        model = Post
        fields = [
            "id", "merchant", "source", "external_id", "revision", "is_current", "text", "url",
            "posted_at", "captured_at", "text_sha256", "scan_state", "scanned_at",
            "lexicon_version", "score",
        ]  # fmt: skip


class PostDetailSerializer(PostOutSerializer):
    findings = serializers.SerializerMethodField()

    class Meta(PostOutSerializer.Meta):
        fields = [*PostOutSerializer.Meta.fields, "findings"]

    @extend_schema_field(FindingOutSerializer(many=True))
    def get_findings(self, post) -> list[dict]:
        rows = post.findings.filter(is_current=True).select_related("lexicon_version")
        return FindingOutSerializer(rows, many=True).data


class PostReceiptSerializer(serializers.ModelSerializer):
    """What a submission returns for each post: enough to find it again, not its text."""

    merchant = serializers.IntegerField(source="merchant_id")

    class Meta:
        model = Post
        fields = [
            "id", "merchant", "source", "external_id", "revision", "is_current", "text_sha256",
            "scan_state", "captured_at",
        ]  # fmt: skip


def receipts(posts: list[Post]) -> list[dict]:
    """``PostReceiptSerializer(posts, many=True).data``, built directly: a batch of 1,000 posts
    shares a handful of capture times, so each is formatted once (tested equal)."""
    times: dict = {}
    to_time = serializers.DateTimeField().to_representation
    out = []
    for post in posts:
        captured = post.captured_at
        if captured not in times:
            times[captured] = to_time(captured)
        out.append(
            {
                "id": post.pk,
                "merchant": post.merchant_id,
                "source": post.source,
                "external_id": post.external_id,
                "revision": post.revision,
                "is_current": post.is_current,
                "text_sha256": post.text_sha256,
                "scan_state": post.scan_state,
                "captured_at": times[captured],
            }
        )
    return out


class PostResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "revised", "unchanged"])
    post = PostReceiptSerializer()


class AccountOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = MerchantAccount
        fields = ["platform", "handle", "handle_normalized"]


class MerchantOutSerializer(serializers.ModelSerializer):
    accounts = AccountOutSerializer(many=True, read_only=True)

    class Meta:
        model = Merchant
        fields = [
            "id", "display_name", "verification", "uscc", "region_code", "registration",
            "status", "risk_score", "in_review_queue", "accounts", "last_activity_at",
        ]  # fmt: skip


class RiskPartSerializer(serializers.Serializer):
    source = serializers.CharField()
    key = serializers.CharField()
    points = serializers.FloatField()
    explanation = serializers.CharField()
    computed_at = serializers.DateTimeField()


class MerchantDetailSerializer(MerchantOutSerializer):
    risk_breakdown = serializers.SerializerMethodField()

    class Meta(MerchantOutSerializer.Meta):
        fields = [*MerchantOutSerializer.Meta.fields, "risk_breakdown"]

    @extend_schema_field(RiskPartSerializer(many=True))
    def get_risk_breakdown(self, merchant) -> list[dict]:
        return RiskPartSerializer(risk_breakdown(merchant), many=True).data


# The ingest's fast path: a plain JSON post checked field by field with the serializer's own
# fields, so a batch of 500 does not build 500 serializers; anything unusual falls back to them.

_SOURCES = frozenset(Post.Source.values)
_PLATFORMS = frozenset(MerchantAccount.Platform.values)
_POST_KEYS = frozenset(PostInSerializer._declared_fields)
_MERCHANT_KEYS = frozenset(MerchantRefSerializer._declared_fields)
_FIELDS = PostInSerializer().fields  # bound once; validating a value keeps no state


def _plain_text(value, max_length: int, *, trimmed: bool = True) -> bool:
    """True when DRF's CharField would accept ``value`` as it is: a str, not blank, within
    ``max_length``, no NUL, no lone surrogate, and (for trimmed fields) no outer whitespace."""
    if type(value) is not str or not value or len(value) > max_length or "\x00" in value:
        return False
    if trimmed and value != value.strip():
        return False
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return False
    return True


def _plain_post_input(item: dict) -> PostInput | None:
    """The PostInput of an item DRF would accept unchanged, or None to let DRF decide."""
    merchant = item.get("merchant")
    if (
        type(merchant) is not dict
        or not item.keys() <= _POST_KEYS
        or not merchant.keys() <= _MERCHANT_KEYS
    ):
        return None
    source, platform = item.get("source"), merchant.get("platform")
    if type(source) is not str or source not in _SOURCES:
        return None
    if type(platform) is not str or platform not in _PLATFORMS:
        return None
    external_id, text = item.get("external_id"), item.get("text")
    if not _plain_text(external_id, 200):
        return None
    if not _plain_text(text, MAX_TEXT_CHARS, trimmed=False) or not text.strip():
        return None
    handle = merchant.get("handle")
    display_name = merchant.get("display_name", "")
    region_code = merchant.get("region_code", "")
    if not _plain_text(handle, 200):
        return None
    if not handle.isascii() and handle_problem(platform, handle):
        return None  # normalising lengthens it past the limit: the full path names the error
    if "display_name" in merchant and not _plain_text(display_name, 200):
        return None
    if "region_code" in merchant and not (
        type(region_code) is str and len(region_code) == 6 and is_region_code(region_code)
    ):
        return None
    url, posted_at = "", None
    try:
        if "url" in item:
            url = _FIELDS["url"].run_validation(item["url"])
        if "posted_at" in item:
            if format_problem(_FIELDS["posted_at"], item["posted_at"]):
                return None
            posted_at = _FIELDS["posted_at"].run_validation(item["posted_at"])
    except serializers.ValidationError:
        return None
    return PostInput(
        source=source,
        external_id=external_id,
        text=text,
        url=url,
        posted_at=posted_at,
        platform=platform,
        handle=handle,
        display_name=display_name,
        region_code=region_code,
    )
