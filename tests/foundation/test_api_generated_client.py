"""The OpenAPI schema is valid, and a client generated from it works against a live server.

Integrators generate clients from ``/api/schema/``; the security review's client got 400s from
defaults the schema contradicted, had a module that did not import, and sent form data labelled
as JSON. This test validates the schema (openapi-spec-validator), generates a client with
openapi-python-client into a temporary directory, and drives it through the main calls.
"""

import importlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_spec_validator import validate

from core.api.scopes import SCOPES
from tests.complaints.conftest import png_bytes


def _schema() -> dict:
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(spec))


def test_the_schema_is_valid_openapi():
    validate(_schema())  # raises, naming the first problem


def test_no_default_contradicts_its_own_schema():
    """A generated client sends defaults as they are: each must be a value the server takes."""
    from jsonschema import Draft202012Validator, FormatChecker

    problems = []

    def walk(node, path):
        if isinstance(node, dict):
            if "default" in node and isinstance(node.get("type"), str):
                schema = {k: v for k, v in node.items() if k not in ("default", "nullable")}
                checker = Draft202012Validator(schema, format_checker=FormatChecker())
                if not checker.is_valid(node["default"]):
                    problems.append(f"{path}: default {node['default']!r}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(_schema()["components"], "#/components")
    assert problems == []


def test_every_throttled_operation_documents_429():
    missing = [
        f"{method.upper()} {path}"
        for path, item in _schema()["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
        and "429" not in operation["responses"]
    ]
    assert missing == []


def _patch_known_generator_bug(package: Path) -> list[str]:
    """openapi-python-client 0.29.1 annotates the body of an operation with several content
    types ``| Unset`` without importing ``Unset`` (its issue #1451, fix pending in #1478), so
    such a module fails to import. The schema is right (the body is required); add the import
    the generator forgot, only where the module uses the name and lacks it."""
    patched = []
    for module in (package / "api").rglob("*.py"):
        source = module.read_text()
        if re.search(r"\|\s*Unset\b", source) and not re.search(r"import .*\bUnset\b", source):
            module.write_text("from ...types import Unset\n" + source)
            patched.append(module.stem)
    return patched


@pytest.fixture
def wsclient(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(_schema()))
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            *(str(generator), "generate", "--path", str(schema), "--meta", "none"),
            *("--output-path", str(tmp_path / "wsclient")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    patched = _patch_known_generator_bug(tmp_path / "wsclient")
    assert set(patched) <= {"complaints_create", "campaigns_snapshots_create"}, patched
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("wsclient")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "wsclient" or n.startswith("wsclient.")]:
            del sys.modules[name]


@pytest.fixture
def in_process_tasks(settings):
    from wsmonitor.celery import app

    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_drives_the_main_calls(
    wsclient, live_server, make_token, in_process_tasks
):
    from complaints.defaults import seed
    from complaints.models import DeadlineRule, RefusalGround

    seed(DeadlineRule, RefusalGround)
    _token, key = make_token(*SCOPES, name="generated-client")
    models = importlib.import_module("wsclient.models")
    types = importlib.import_module("wsclient.types")
    for module in ("token", "posts", "merchants", "findings", "campaigns", "complaints"):
        importlib.import_module(f"wsclient.api.{module}")
    client = wsclient.AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token", raise_on_unexpected_status=True
    )
    with client:  # closes its connections at the end
        _drive(client, models, types)


def _drive(client, models, types) -> None:

    def call(module: str, name: str, **kwargs):
        operation = importlib.import_module(f"wsclient.api.{module}.{name}")
        response = operation.sync_detailed(client=client, **kwargs)
        assert response.status_code < 400, (name, response.status_code, response.content[:400])
        return response.parsed

    me = call("token", "token_retrieve")
    assert me.name == "generated-client"

    # Posts, with every optional field left at the model's default.
    post = models.PostInRequest(
        source=models.SourceEnum.MOMENTS,
        external_id="gen-1",
        text="高仿LV包包，一比一复刻，专柜品质",
        merchant=models.MerchantRefRequest(
            platform=models.PlatformEnum.WECHAT_ID, handle="generated_shop"
        ),
    )
    created = call("posts", "posts_create", body=post)
    results = created if isinstance(created, list) else [created]
    receipt = results[0].post
    listed = call("posts", "posts_list", external_id="gen-1")
    assert [p.id for p in listed.results] == [receipt.id]
    detail = call("posts", "posts_retrieve", id=receipt.id)
    assert detail.text == post.text

    merchants = call("merchants", "merchants_list", handle="generated_shop")
    assert receipt.merchant in [m.id for m in merchants]
    merchant = call("merchants", "merchants_retrieve", id=receipt.merchant)
    assert merchant.id == receipt.merchant
    findings = call("findings", "findings_list", merchant=receipt.merchant)
    assert findings.count >= 1

    # Campaigns: create with the defaults, then a JSON snapshot and a screenshot.
    campaign = call(
        "campaigns",
        "campaigns_create",
        body=models.CampaignCreateRequest(
            merchant=models.MerchantRefRequest(
                platform=models.PlatformEnum.WECHAT_ID, handle="generated_shop"
            ),
            title="转发集赞送保温杯",
            text="转发本文到朋友圈集满38个赞，即可到店免费领取保温杯一个。",
        ),
    )
    snapshot = call(
        "campaigns",
        "campaigns_snapshots_create",
        id=campaign.id,
        body=models.SnapshotCreateJsonRequest(text="转发集满58个赞，才可领取保温杯一个。"),
    )
    assert snapshot.snapshot.id
    screenshot = call(
        "campaigns",
        "campaigns_snapshots_create",
        id=campaign.id,
        body=models.SnapshotCreateRequest(
            image=types.File(
                payload=io.BytesIO(png_bytes()), file_name="shot.png", mime_type="image/png"
            )
        ),
    )
    assert screenshot.snapshot.id != snapshot.snapshot.id

    # Complaints, as JSON and as multipart with evidence.
    fields = {
        "kind": models.ComplaintSubmitInputKindEnum.COMPLAINT,
        "description": "在朋友圈买的面霜是假货，商家拒绝退款。",
        "consent": True,
        "demand": "退还货款299元",
        "merchant_wechat_id": "generated_shop",
        "name": "张三",
        "phone": "13812345678",
        "address": "广东省广州市天河区体育西路1号",
    }
    filed = call(
        "complaints", "complaints_create", body=models.ComplaintSubmitJsonRequest(**fields)
    )
    assert filed[0].tracking_number.startswith("WS-")
    with_evidence = call(
        "complaints",
        "complaints_create",
        body=models.ComplaintSubmitInputRequest(
            **fields,
            evidence=[
                types.File(
                    payload=io.BytesIO(png_bytes()), file_name="a.png", mime_type="image/png"
                )
            ],
        ),
    )
    assert with_evidence[0].tracking_number != filed[0].tracking_number
    status = call("complaints", "complaints_retrieve", tracking_number=filed[0].tracking_number)
    assert status.tracking_number == filed[0].tracking_number
