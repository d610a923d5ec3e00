"""One reading of phone numbers for the registry, the complaints' blind index and masking."""

import pytest

from complaints.pii import mask_name, mask_phone, phone_blind_index
from complaints.services import validate_submission
from core.phones import is_valid_phone, phone_key
from merchants.exports import mask_name as export_mask_name
from merchants.exports import mask_text
from merchants.services import merchant_resolve

SAME_MOBILE = ["13800138000", "+86 138-0013-8000", "0086 138 0013 8000", "8613800138000",
               "１３８００１３８０００"]  # fmt: skip


@pytest.mark.parametrize("written", SAME_MOBILE)
def test_a_mobile_written_any_way_is_one_key(written):
    assert phone_key(written) == "13800138000"


def test_a_landline_keeps_its_area_code():
    assert phone_key("(010) 1234-5678") == phone_key("0086 10 1234 5678") == "01012345678"
    assert phone_key("0755-8888 8888") == "075588888888"


@pytest.mark.django_db
def test_0086_and_plus86_resolve_to_the_same_merchant():
    a = merchant_resolve(platform="phone", handle="0086 138-0013-8000")
    b = merchant_resolve(platform="phone", handle="+86 13800138000")
    assert a.pk == b.pk


@pytest.mark.django_db
def test_the_complaint_blind_index_and_mask_agree_with_the_registry(settings):
    settings.COMPLAINTS_BLIND_INDEX_KEY = "k" * 32
    assert len({phone_blind_index(p) for p in SAME_MOBILE}) == 1
    assert {mask_phone(p) for p in SAME_MOBILE} == {"138****8000"}


@pytest.mark.parametrize("bad", ["12", "12345", "1380013800", "138001380001", "电话"])
def test_a_number_nobody_can_be_reached_on_is_refused(bad):
    assert not is_valid_phone(bad)


@pytest.mark.django_db
def test_the_complaint_form_says_what_a_valid_number_looks_like():
    from django.utils import translation

    with translation.override("zh-hans"):
        errors = validate_submission({"kind": "report", "phone": "12345", "description": "x"})
    assert "11位手机号码" in errors["phone"][0]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("加微信或打电话13912345678", "加微信或打电话139****5678"),
        ("微信同号 139 1234 5678 咨询", "微信同号 139****5678 咨询"),
        ("热线+86 139-1234-5678", "热线139****5678"),
        ("加vx13912345678", "加vx139****5678"),
        ("座机(010)1234-5678", "座机010****5678"),
        ("价格13800元，订单号1391234567890", "价格13800元，订单号1391234567890"),
    ],
)
def test_exports_mask_a_phone_number_in_text_however_it_is_written(text, masked):
    """The exports masked only eleven digits in a row (their own pattern), so a number written
    with spaces, dashes or +86 reached the regulator's spreadsheet unmasked."""
    assert mask_text(text) == masked


def test_a_payee_name_is_masked_as_complaints_mask_a_name():
    """The exports had a mask_name of their own that kept the spaces (' 张三 ' → ' ***')."""
    assert export_mask_name(" 张三 ") == mask_name(" 张三 ") == "张*"
