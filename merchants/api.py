"""REST API for integrators: posts in, merchants, findings and the lexicon out.

Each view validates with its own serializer, calls one service or selector, and renders."""

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import ApiClient
from core.api.pagination import StandardPagination
from core.api.parsers import JSONParser
from core.api.regions import request_region_prefixes
from core.api.schema import ERRORS, LIST_BOUNDS, NO_NUL, NO_NUL_NOT_BLANK, not_found
from core.api.strict import (
    HttpUrlField,
    PlausibleTimeField,
    StrictSerializer,
    format_problem,
)
from core.api.validators import (
    MAX_ID,
    IdField,
    query_choice,
    query_id,
    query_text,
)
from core.errors import ValidationFailed
from core.regions import REGION_CODE_PATTERN, is_region_code
from lexicon.services import lexicon_current
from merchants.handles import handle_problem
from merchants.models import Finding, Merchant, MerchantAccount, Post
from merchants.posts import MAX_BATCH, MAX_TEXT_CHARS, PostInput, posts_ingest
from merchants.risk import risk_breakdown
from merchants.selectors import findings_visible, merchants_visible, posts_visible
from merchants.services import merchant_find

NOT_FOUND = not_found("No such object in the regions this token may see, or a page past the end")


# --- serializers --------------------------------------------------------------------------------


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


# --- views ------------------------------------------------------------------------------------


POST_EXAMPLE = {
    "source": "moments",
    "external_id": "crawler-42:9f1c",
    "text": "高仿LV包包，专柜品质，一比一复刻，加微信私下转账更优惠",
    "url": "",
    "posted_at": "2026-11-20T10:15:00+08:00",
    "merchant": {"platform": "wechat_id", "handle": "lv_haohuo888", "region_code": "440103"},
}


# One object in, one result out; a list in, a list out.
POST_RESULTS = PolymorphicProxySerializer(
    component_name="PostResults",
    serializers=[PostResultSerializer, PostResultSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


LIST_BOUNDS["PostsInRequest"] = (1, MAX_BATCH)


class PostsApi(APIView):
    required_scopes = {"GET": "posts:read", "POST": "posts:write"}
    # Posts nest a merchant object: form encodings cannot carry them (415, not a 400 per field).
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Submit posts (one object, or a list of up to 1,000)",
        description=(
            "Idempotent on `(source, external_id)`: the same text again returns the stored post "
            "(`unchanged`); a different text under the same id is stored as a new revision "
            "(`revised`), never overwritten. A list is stored all-or-nothing: if any item is "
            "invalid, nothing is stored and `fields` is keyed by the failing item's index. "
            f"Text is limited to {MAX_TEXT_CHARS:,} characters. Scanning happens in the "
            "background; each result is a receipt (id, revision, SHA-256 of the text, scan "
            "state) — poll `GET /api/v1/posts/{id}/` for the full post with its findings."
        ),
        request=PolymorphicProxySerializer(
            component_name="PostsIn",
            serializers=[PostInSerializer, PostInSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: POST_RESULTS,
            200: POST_RESULTS,
            **ERRORS,
        },
        examples=[OpenApiExample("A Moments post", value=POST_EXAMPLE, request_only=True)],
    )
    def post(self, request):
        payload = request.data
        single = isinstance(payload, dict)
        items = [payload] if single else payload
        if not isinstance(items, list):
            raise ValidationFailed("send a JSON object or a list of objects")
        if not items:
            raise ValidationFailed("the list is empty", fields={"items": ["empty"]})
        if len(items) > MAX_BATCH:
            raise ValidationFailed(
                f"at most {MAX_BATCH} posts per request, got {len(items)}",
                fields={"items": [f"more than {MAX_BATCH}"]},
            )
        inputs, errors = PostInSerializer.validate_batch(items)
        if errors:
            if single:
                raise serializers.ValidationError(errors["0"])
            first = min(errors, key=int)
            raise ValidationFailed(
                f"item {first} is invalid ({len(errors)} invalid in all); nothing was stored",
                fields={k: _plain(v) for k, v in errors.items()},
            )
        token = request.user.token if isinstance(request.user, ApiClient) else None
        results = posts_ingest(
            items=inputs,
            submitted_by=str(request.user),
            # Idempotency per integrator (the token's name); the token's regions bound where
            # it may write, as for campaigns.
            integrator=token.name if token is not None else "",
            allowed_prefixes=request_region_prefixes(request),
        )
        posts = receipts([r.post for r in results])
        body = [
            {"index": i, "status": r.status, "post": post}
            for i, (r, post) in enumerate(zip(results, posts, strict=True))
        ]
        created = any(r.status != "unchanged" for r in results)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(body[0] if single else body, status=code)

    @extend_schema(
        summary="List posts",
        parameters=[
            OpenApiParameter("merchant", {"type": "integer", "minimum": 1, "maximum": MAX_ID}),
            OpenApiParameter("source", str, enum=Post.Source.values),
            OpenApiParameter("scan_state", str, enum=Post.ScanState.values),
            OpenApiParameter(
                "external_id", {"type": "string", "maxLength": 200, "pattern": NO_NUL}
            ),
        ],
        responses={200: PostOutSerializer(many=True), **ERRORS, **NOT_FOUND},
    )
    def get(self, request):
        qs = posts_visible(request_region_prefixes(request)).select_related("lexicon_version")
        params = request.query_params
        filters = {
            "merchant_id": query_id(params, "merchant"),
            "source": query_choice(params, "source", Post.Source.values),
            "scan_state": query_choice(params, "scan_state", Post.ScanState.values),
            "external_id": query_text(params, "external_id"),
        }
        qs = qs.filter(**{k: v for k, v in filters.items() if v is not None})
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs.order_by("-id"), request, view=self)
        return paginator.get_paginated_response(PostOutSerializer(page, many=True).data)

    pagination_class = StandardPagination


class PostDetailApi(APIView):
    required_scopes = {"GET": "posts:read"}

    @extend_schema(
        summary="A post with its current findings",
        responses={200: PostDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, pk: int):
        post = get_object_or_404(
            posts_visible(request_region_prefixes(request)).select_related("lexicon_version"),
            pk=pk,
        )
        return Response(PostDetailSerializer(post).data)


class MerchantsApi(APIView):
    required_scopes = {"GET": "merchants:read"}

    @extend_schema(
        summary="Look up merchants by any account handle (normalised)",
        parameters=[
            OpenApiParameter(
                "handle",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NO_NUL_NOT_BLANK},
                required=True,
                description="微信号, 公众号, phone…",
            ),
            OpenApiParameter("platform", str, enum=MerchantAccount.Platform.values),
        ],
        responses={200: MerchantOutSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        handle = request.query_params.get("handle", "").strip()
        if not handle:
            raise ValidationFailed("give ?handle=", fields={"handle": ["required"]})
        query_text(request.query_params, "handle")
        platform = request.query_params.get("platform") or None
        if platform and platform not in MerchantAccount.Platform.values:
            raise ValidationFailed("unknown platform", fields={"platform": ["invalid"]})
        ids = [m.pk for m in merchant_find(handle=handle, platform=platform)]
        # visibility filtered in SQL on the few merchants found, never by loading every visible id
        found = (
            merchants_visible(request_region_prefixes(request))
            .filter(pk__in=ids)
            .prefetch_related("accounts")
            .order_by("pk")
        )
        return Response(MerchantOutSerializer(found, many=True).data)


class MerchantDetailApi(APIView):
    required_scopes = {"GET": "merchants:read"}

    @extend_schema(
        summary="A merchant with its risk breakdown",
        responses={200: MerchantDetailSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, pk: int):
        merchant = get_object_or_404(
            merchants_visible(request_region_prefixes(request)).prefetch_related("accounts"), pk=pk
        )
        return Response(MerchantDetailSerializer(merchant).data)


class FindingFilterSerializer(StrictSerializer):
    category = serializers.ChoiceField(
        choices=["counterfeit", "false_ad", "three_no", "phishing"], required=False
    )
    rule = serializers.CharField(required=False, allow_blank=True, max_length=60)  # blank: any
    severity_min = serializers.IntegerField(required=False, min_value=1, max_value=5)
    region = serializers.RegexField(
        r"^\d{2,6}$", required=False, help_text="GB/T 2260 prefix, e.g. 4401"
    )
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    merchant = IdField(required=False)


class FindingsApi(APIView):
    required_scopes = {"GET": "findings:read"}
    pagination_class = StandardPagination

    @extend_schema(
        summary="List current findings",
        parameters=[FindingFilterSerializer],
        responses={200: FindingOutSerializer(many=True), **ERRORS, **NOT_FOUND},
    )
    def get(self, request):
        params = FindingFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        qs = findings_visible(request_region_prefixes(request)).filter(is_current=True)
        if f.get("category"):
            qs = qs.filter(category=f["category"])
        if f.get("rule"):
            qs = qs.filter(rule=f["rule"])
        if f.get("severity_min"):
            qs = qs.filter(severity__gte=f["severity_min"])
        if f.get("region"):
            qs = qs.filter(post__merchant__region_code__startswith=f["region"])
        if f.get("since"):
            qs = qs.filter(created_at__gte=f["since"])
        if f.get("until"):
            qs = qs.filter(created_at__lt=f["until"])
        if f.get("merchant"):
            qs = qs.filter(post__merchant_id=f["merchant"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            qs.select_related("lexicon_version").order_by("-id"), request, view=self
        )
        return paginator.get_paginated_response(FindingOutSerializer(page, many=True).data)


class LexiconApi(APIView):
    required_scopes = {"GET": "lexicon:read"}

    @extend_schema(
        summary="The active lexicon version and its rules",
        responses={
            200: inline_serializer(
                "LexiconOut",
                {
                    "version": serializers.IntegerField(),
                    "created_at": serializers.DateTimeField(),
                    "fingerprint": serializers.CharField(),
                    "rules": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        version = lexicon_current()
        return Response(
            {
                "version": version.number,
                "created_at": version.created_at,
                "fingerprint": version.fingerprint,
                "rules": version.content["rules"],
            }
        )


def _plain(errors):
    if isinstance(errors, dict):
        return {k: _plain(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [_plain(v) for v in errors]
    return str(errors)
