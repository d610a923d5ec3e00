"""The per-phone submission limit: a refused submission uses up none of the address's slots,
and partner platforms filing through the API are held to the same counter as the form."""

import pytest

from complaints.models import Case
from tests.complaints.conftest import complaint_post

pytestmark = pytest.mark.django_db


def test_a_submission_the_phone_limit_refuses_does_not_use_an_address_slot(client, settings):
    settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY = 1
    settings.COMPLAINTS_SUBMIT_PER_IP_HOUR = 2
    assert client.post("/complaints/new/", complaint_post()).status_code == 200
    refused = client.post("/complaints/new/", complaint_post(description="同一个电话第二次"))
    assert refused.status_code == 429
    other = client.post("/complaints/new/", complaint_post(phone="13900001111"))
    assert other.status_code == 200  # the address has used one of its two slots, not two
    assert Case.objects.count() == 2


def _api_complaint(phone: str) -> dict:
    return {
        "kind": "complaint",
        "merchant_wechat_id": "meizhuang_888",
        "description": "在朋友圈买的面霜是假货，商家拒绝退款。",
        "demand": "退还货款299元",
        "name": "张三",
        "phone": phone,
        "address": "广东省广州市天河区体育西路1号",
        "consent": True,
    }


def test_the_api_holds_a_phone_to_the_same_daily_limit_as_the_form(client, token_client, settings):
    settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY = 2
    api = token_client("complaints:write")
    assert client.post("/complaints/new/", complaint_post()).status_code == 200
    first = api.post("/api/v1/complaints/", _api_complaint("+86 138-1234-5678"), format="json")
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/complaints/", _api_complaint("13812345678"), format="json")
    assert again.status_code == 429, again.content
    assert again.json()["code"] == "throttled"
    assert "电话" in again.json()["detail"]
    assert Case.objects.count() == 2
    other = api.post("/api/v1/complaints/", _api_complaint("13900001111"), format="json")
    assert other.status_code == 201
