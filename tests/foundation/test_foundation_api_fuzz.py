"""Property-based fuzzing of the whole REST API from its own OpenAPI schema (schemathesis).

Every operation, with a token holding every scope, must answer without a 5xx, with a status
code, content type, headers and body its schema declares. Bounded and derandomized, so it is
deterministic and takes well under a minute on SQLite.

Every schemathesis check runs except the two about which requests the server accepts
(``positive_data_acceptance``, ``negative_data_rejection``): the API refuses schema-valid
requests for rules a schema cannot state (a complaint's conditional fields, a region code that
must exist in GB/T 2260, dates not in the future) and, by design, takes an empty query value
as no filter and lets DRF coerce some scalars. Those answers are 400s in the documented shape,
which the status-code and response-schema checks still verify.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    object_level_authorization,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from wsmonitor.api.scopes import SCOPES
from wsmonitor.wsgi import application

CHECKS = [
    not_a_server_error,
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
