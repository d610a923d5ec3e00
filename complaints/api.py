"""Partner-platform API: file a complaint or report with evidence, read its status."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import ratelimit, selectors, services
from complaints.evidence import EvidenceRejected, check_upload
from complaints.models import Case
from complaints.pii import normalize_tracking_number
from core.api.authentication import ApiClient
from core.api.errors import ErrorSerializer
from core.api.parsers import JSONParser
from core.api.schema import ERRORS, not_found
from core.api.strict import HttpUrlOrBlankField, StrictSerializer
from core.audit import client_ip
from core.errors import NotFound
from core.regions import is_region_code

# The platform's one error shape (core.api.errors); only the 429 says more here.
AUTH_ERRORS = {
    401: ERRORS[401],
    403: ERRORS[403],
    429: OpenApiResponse(
        ErrorSerializer,
        description="Over the token's rate (see `Retry-After`), or on `POST`, the complainant "
        "phone's daily limit (`COMPLAINTS_SUBMIT_PER_PHONE_DAY`, shared with the public form)",
    ),
}


class CaseStatusSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    status = serializers.ChoiceField(choices=Case.Status.choices)
    status_label = serializers.CharField()
    deadline = serializers.DateField(allow_null=True, help_text="statutory deadline running now")
    deadline_provisional = serializers.BooleanField(
        help_text="true while the deadline is counted on the provisional holiday calendar (暂估): "
        "a year it reaches has no official schedule yet; it is recomputed when one is entered"
    )
    evidence_pending = serializers.BooleanField(
        help_text="true when a file of the submission could not be stored (its names were in "
        "`evidence_not_stored`); false again once evidence is added or the office marks it dealt "
        "with"
    )
    source = serializers.ChoiceField(
        choices=Case.Source.choices,
        help_text="the channel the case arrived through: `web` (the public form), `api` (a "
        "partner platform), `wechat` (the WeChat official account). A token reads only the cases "
        "it filed, so here it is `api`",
    )
    received_at = serializers.DateTimeField()
    linked_tracking_number = serializers.CharField(allow_null=True)
    messages = serializers.ListField(child=serializers.DictField(), help_text="public messages")


def case_status(case: Case) -> dict:
    return {
        "tracking_number": case.tracking_number,
        "kind": case.kind,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "deadline": services.current_deadline(case),
        "deadline_provisional": _provisional(case),
        "evidence_pending": case.evidence_pending,
        "source": case.source,
        "received_at": case.received_at,
        "linked_tracking_number": case.linked_case.tracking_number if case.linked_case else None,
        "messages": [
            {"at": timezone.localtime(e.created_at).isoformat(), "text": e.body}
            for e in selectors.case_public_events(case=case)
        ],
    }


def _provisional(case: Case) -> bool:
    deadline = services.deadline_current(case)
    return bool(deadline and deadline.provisional)


class ComplaintsApi(APIView):
    """``POST /api/v1/complaints/`` — multipart (with ``evidence`` files) or JSON."""

    required_scopes = {"POST": "complaints:write"}
    # No form-urlencoded: it cannot carry the files, and a schema sharing one component between
    # it and JSON made generated clients send form data labelled as JSON.
    parser_classes = [MultiPartParser, JSONParser]

    class ComplaintSubmitInputSerializer(StrictSerializer):
        kind = serializers.ChoiceField(choices=["complaint", "report", "both"])
        merchant_wechat_id = serializers.CharField(max_length=100, required=False, default="",
                                                   allow_blank=True)  # fmt: skip
        merchant_official_account = serializers.CharField(
            max_length=100, required=False, default="", allow_blank=True
        )
        merchant_phone = serializers.CharField(max_length=30, required=False, default="",
                                               allow_blank=True)  # fmt: skip
        merchant_name = serializers.CharField(max_length=200, required=False, default="",
                                              allow_blank=True)  # fmt: skip
        description = serializers.CharField(max_length=5000)
        category = serializers.ChoiceField(choices=Case.Category.choices, required=False,
                                           allow_blank=True, default="")  # fmt: skip
        occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
        amount_paid = serializers.DecimalField(
            max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True,
            default=None,
        )  # fmt: skip
        payment_method = serializers.ChoiceField(
            choices=Case.PaymentMethod.choices, required=False, allow_blank=True, default=""
        )
        demand = serializers.CharField(max_length=2000, required=False, default="",
                                       allow_blank=True)  # fmt: skip
        # No ``default=""`` on formatted fields: '' is not a URL or an e-mail address, so the
        # schema would offer a default its own format refuses. Absent means none.
        campaign_url = HttpUrlOrBlankField(max_length=500, required=False)
        name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        address = serializers.CharField(max_length=300, required=False, default="",
                                        allow_blank=True)  # fmt: skip
        id_number = serializers.CharField(max_length=30, required=False, default="",
                                          allow_blank=True)  # fmt: skip
        email = serializers.EmailField(required=False, allow_blank=True)
        anonymous = serializers.BooleanField(required=False, default=False)
        consent = serializers.BooleanField(
            help_text="the consumer agreed to the personal-data notice (required for 投诉)"
        )
        evidence = serializers.ListField(
            child=serializers.FileField(allow_empty_file=True),
            required=False,
            default=list,
            help_text="up to 10 files of 10 MB: JPEG, PNG, WebP, HEIC, PDF, plain text",
        )

    class ComplaintSubmitJsonSerializer(ComplaintSubmitInputSerializer):
        """The same fields without files: evidence can only be uploaded as multipart."""

        evidence = None

    class ComplaintSubmitOutputSerializer(serializers.Serializer):
        tracking_number = serializers.CharField()
        access_code = serializers.CharField(help_text="shown once; give it to the consumer")
        kind = serializers.CharField()
        status = serializers.CharField()
        deadline = serializers.DateField(allow_null=True)
        deadline_provisional = serializers.BooleanField()
        evidence_not_stored = serializers.ListField(
            child=serializers.CharField(),
            help_text="names of evidence files that could not be stored (a full disk or a "
            "database failure): the case is filed without them; upload them again later",
        )

    @extend_schema(
        summary="File a complaint (投诉) or report (举报) for a consumer",
        request={
            "application/json": ComplaintSubmitJsonSerializer,
            "multipart/form-data": ComplaintSubmitInputSerializer,
        },
        responses={
            201: ComplaintSubmitOutputSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="invalid fields or a refused file"),
            **AUTH_ERRORS,
        },
        tags=["complaints"],
    )
    def post(self, request):
        data = request.data
        form = hasattr(data, "getlist")
        if form:  # multipart: several files under one name
            data = {k: v for k, v in data.items() if k != "evidence"}
            data["evidence"] = request.data.getlist("evidence")
        serializer = self.ComplaintSubmitInputSerializer(
            data=data,
            context={"form_encoded": form},  # multipart values are all strings
        )
        serializer.is_valid(raise_exception=True)
        payload = dict(serializer.validated_data)
        # The form's per-phone limit holds here too (one counter): a partner cannot file more
        # for one complainant's phone than the public form lets them.
        per_phone = settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY
        phone_key = ratelimit.phone_limit_key(payload.get("phone") or "")
        if phone_key and ratelimit.exceeded(phone_key, limit=per_phone):
            raise exceptions.Throttled(detail="该电话号码今日的提交次数已达上限，请明天再提交。")
        uploads = payload.pop("evidence")
        if len(uploads) > settings.COMPLAINTS_MAX_FILES:
            raise EvidenceRejected(
                f"at most {settings.COMPLAINTS_MAX_FILES} files",
                code="too_many",
                fields={"evidence": ["too many files"]},
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload))
            except EvidenceRejected as exc:
                errors.append(f"{exc.code}: {exc.detail}")
        if errors:
            raise EvidenceRejected(errors[0], code="evidence_refused", fields={"evidence": errors})
        token = request.user.token if isinstance(request.user, ApiClient) else None
        results = services.case_submit(
            data=payload,
            files=checked,
            source=Case.Source.API,
            api_token=token,
            ip=client_ip(request),
            received_region=_token_region(token),
        )
        if phone_key:
            ratelimit.hit(phone_key, limit=per_phone, window=24 * 3600)
        body = [
            {
                "tracking_number": r.case.tracking_number,
                "access_code": r.access_code,
                "kind": r.case.kind,
                "status": r.case.status,
                "deadline": services.current_deadline(r.case),
                "deadline_provisional": _provisional(r.case),
                "evidence_not_stored": r.not_stored,
            }
            for r in results
        ]
        return Response(
            self.ComplaintSubmitOutputSerializer(body, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class ComplaintStatusApi(APIView):
    """``GET /api/v1/complaints/<tracking_number>/`` — only for cases this token filed."""

    required_scopes = {"GET": "complaints:read"}

    @extend_schema(
        summary="Status of a complaint or report filed by this token",
        responses={200: CaseStatusSerializer, **AUTH_ERRORS, **not_found("No such case")},
        tags=["complaints"],
    )
    def get(self, request, tracking_number: str):
        token = request.user.token if isinstance(request.user, ApiClient) else None
        number = normalize_tracking_number(tracking_number)
        if token is None or not number:
            raise NotFound("No such case.")
        case = selectors.case_by_api_token(token=token, tracking_number=number)
        return Response(CaseStatusSerializer(case_status(case)).data)


def _token_region(token) -> str | None:
    """A token bound to one county/city files there; otherwise the intake office's region."""
    if token is None:
        return None
    for prefix in token.region_prefixes:
        if is_region_code(prefix):
            return prefix
    return None
