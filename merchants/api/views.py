"""One API class per operation: posts in (one or a batch), post detail, merchants, findings, the
lexicon version."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
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
    StrictSerializer,
)
from core.api.validators import (
    MAX_ID,
    IdField,
    query_choice,
    query_id,
    query_text,
)
from core.errors import ValidationFailed
from core.regions import REGION_PREFIX_PATTERN
from lexicon.services import lexicon_current
from merchants.api.serializers import (
    FindingOutSerializer,
    MerchantDetailSerializer,
    MerchantOutSerializer,
    PostDetailSerializer,
    PostInSerializer,
    PostOutSerializer,
    PostResultSerializer,
    receipts,
)
from merchants.models import MerchantAccount, Post
from merchants.posts import MAX_BATCH, MAX_TEXT_CHARS, posts_ingest
from merchants.selectors import findings_visible, merchants_visible, posts_visible
from merchants.services import merchant_find

NOT_FOUND = not_found("No such object in the regions this token may see, or a page past the end")


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
        REGION_PREFIX_PATTERN, required=False, help_text="GB/T 2260 prefix: 44, 4401 or 440103"
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
