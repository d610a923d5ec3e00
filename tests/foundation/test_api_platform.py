"""Token authentication, scopes, the error shape and the OpenAPI schema."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def test_it_answers_401_in_the_error_shape_without_a_token(api_client):
    response = api_client.get("/api/v1/token/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "fields"}
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_401_for_a_wrong_key(api_client, make_token):
    token, _key = make_token("posts:write")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.prefix}.wrongsecret")
    response = api_client.get("/api/v1/token/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_it_describes_a_valid_token(token_client):
    client = token_client("posts:write", "merchants:read", regions=["440100"])
    response = client.get("/api/v1/token/")
    assert response.status_code == 200
    body = response.json()
    assert body["scopes"] == ["posts:write", "merchants:read"]
    assert body["regions"] == ["440100"]


def test_it_refuses_a_revoked_token_at_once(api_client, make_token):
    token, key = make_token("posts:write")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/token/").status_code == 200
    call_command("revoke_api_token", token.prefix)
    response = api_client.get("/api/v1/token/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).exists()


def test_it_refuses_an_expired_token(api_client, make_token):
    token, key = make_token("posts:write")
    ApiToken.objects.filter(pk=token.pk).update(
        expiry_date=timezone.now() - timezone.timedelta(days=1)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/token/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_it_stores_only_a_hash_of_the_key(make_token):
    token, key = make_token("posts:write")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in stored.hashed_key
    assert key.split(".", 1)[1] not in stored.hashed_key
    assert stored.hashed_key.startswith("sha512$$")


def test_create_api_token_prints_the_key_once_and_rejects_unknown_scopes(capsys):
    call_command("create_api_token", "platform-a", "--scopes", "posts:write", "posts:read")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get_from_key(key).scopes == ["posts:write", "posts:read"]
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="unknown scope"):
        call_command("create_api_token", "platform-b", "--scopes", "posts:delete")
    assert not ApiToken.objects.filter(name="platform-b").exists()


def test_the_schema_is_openapi_3_and_documents_token_auth(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["TokenAuth"]["in"] == "header"
    assert "/api/v1/token/" in schema["paths"]


def test_the_schema_validates(client):
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    validate_schema(response.json())  # raises on an invalid document


def test_the_api_docs_load_no_external_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_a_session_instead_of_a_token_is_told_so_in_chinese(api_client, django_user_model):
    user = django_user_model.objects.create_user("session-user", password="x-very-long-pass")
    api_client.force_login(user)
    response = api_client.get("/api/v1/token/")
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_token"
    assert response.json()["detail"] == "当前以网页登录会话访问，未使用接口令牌。"
