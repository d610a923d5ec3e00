"""Property-based fuzzing of the whole REST API from its own OpenAPI schema (schemathesis).

Every operation, with a token holding every scope, must answer without a 5xx, with a status
code, content type, headers and body its schema declares, and — schemathesis' ``--checks all``
— must refuse what its schema forbids (``negative_data_rejection``) and accept what it allows
(``positive_data_acceptance``). Bounded and derandomized: deterministic, about a minute on
PostgreSQL.

One narrowing, stated rule by rule in ``STATED_RULES``: a few rules depend on another field, on
today's date, on Unicode normalisation or on a file's bytes, which OpenAPI 3.0 cannot express. A
schema-valid request refused with a 400 whose ``fields`` name only such rules of that operation
is not a failure; a 400 naming anything else is.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import not_a_server_error
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    object_level_authorization,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from core.api.scopes import SCOPES
from wsmonitor.wsgi import application

HANDLE_RULE = (
    "the handle's normal form (NFKC, case-folded, without spaces or a leading @; a phone's "
    "digits) must be 1-200 characters"
)
NOT_FUTURE = "a date not after today (China time)"
# Operation → field path (list indexes left out) → the rule a schema cannot state.
STATED_RULES = {
    "POST /api/v1/posts/": {"merchant.handle": HANDLE_RULE},
    "POST /api/v1/campaigns/": {
        "merchant.handle": HANDLE_RULE,
        "text": "the notice text or at least one term (one of two fields)",
    },
    "POST /api/v1/campaigns/{id}/snapshots/": {
        "text": "text, a screenshot or observed_deleted: true (one of three fields)",
        "image": "a screenshot must be an image (read from its bytes)",
    },
    "POST /api/v1/campaigns/{id}/reports/": {
        "collected_on": NOT_FUTURE,
        "redeemed_on": NOT_FUTURE + ", and not before collected_on",
    },
    "POST /api/v1/complaints/": {
        "merchant_wechat_id": "at least one of the four seller fields",
        # Order 20 Art 9: a 投诉 (kind complaint or both) names the complainant
        "name": "required for a 投诉",
        "address": "required for a 投诉",
        "demand": "required for a 投诉",
        "phone": "required for a 投诉; a number libphonenumber finds valid",
        "consent": "true for a 投诉, and for a named report giving personal data",
        "occurred_on": NOT_FUTURE,
        "evidence": "JPEG, PNG, WebP, HEIC, PDF or plain text, read from the bytes",
    },
}


def _field_paths(fields, prefix=""):
    """``{"0": {"merchant": {"handle": [...]}}}`` → ``{"merchant.handle"}`` (indexes dropped)."""
    if not isinstance(fields, dict):
        return {prefix}
    paths = set()
    for key, value in fields.items():
        name = prefix if key.isdigit() else f"{prefix}.{key}".lstrip(".")
        paths |= _field_paths(value, name)
    return paths


def positive_data_acceptance_with_stated_rules(ctx, response, case):
    """``positive_data_acceptance``, except a 400 naming only ``STATED_RULES`` of the operation."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        stated = STATED_RULES.get(f"{case.method.upper()} {case.path}", {})
        if response.status_code == 400 and stated:
            named = _field_paths(response.json().get("fields") or {"": None})
            if named <= set(stated):
                return None
        raise


CHECKS = [
    not_a_server_error,
    negative_data_rejection,  # a request its schema forbids is refused
    positive_data_acceptance_with_stated_rules,  # and one it allows is taken
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    unsupported_method,  # 405 with an Allow header, not 403, for a method an operation lacks
    allow_header_conformance,
    ignored_auth,  # the same request without the token is refused
    missing_required_header,
    response_headers_conformance,
    use_after_free,
    ensure_resource_availability,
    object_level_authorization,
]


def test_every_registered_check_runs():
    """``--checks all``: no schemathesis check is left out (the positive one only narrowed)."""
    running = {check.__name__ for check in CHECKS} | {"positive_data_acceptance"}
    assert {check.__name__ for check in REGISTERED_CHECKS.get_all()} <= running


POST = {
    "source": "moments",
    "external_id": "fuzz-seed-1",
    "text": "高仿LV包包，专柜品质，一比一复刻，加微信私下转账更优惠",
    "posted_at": "2026-11-20T10:15:00+08:00",
    "merchant": {"platform": "wechat_id", "handle": "lv_haohuo888", "region_code": "440103"},
}
CAMPAIGN = {
    "merchant": {"platform": "wechat_id", "handle": "baby_shop_gz", "region_code": "440103"},
    "title": "转发集赞送保温杯",
    "text": "转发本文到朋友圈集满38个赞，即可到店免费领取价值58元的保温杯一个，截止2026年12月6日。",
    "captured_at": "2026-11-20T10:15:00+08:00",
}


@pytest.fixture
def _keep_test_transaction(db):
    """Requests go straight to the WSGI app in this thread; like Django's test client, keep the
    end-of-request handler from closing the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(db, make_token, api_client, django_capture_on_commit_callbacks):
    """A token with every scope, and a scanned post and a campaign so reads return real bodies."""
    _token, key = make_token(*SCOPES, name="fuzz")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post("/api/v1/posts/", POST, format="json").status_code == 201
        assert api_client.post("/api/v1/campaigns/", CAMPAIGN, format="json").status_code == 201
    return key


def _load_schema():
    """The schema ``/api/schema/`` serves, built in-process (no request, no database at import)."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(spec)))
    loaded.app = application  # calls go straight to the WSGI application
    return loaded


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_generated_request_as_its_schema_says(
    case, fuzz_token, _keep_test_transaction
):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS)
