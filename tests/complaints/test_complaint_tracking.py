"""The tracking page: the right code shows the case, wrong codes are rate-limited."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import Case, CaseEvent
from tests.complaints.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_the_right_code_shows_status_deadline_and_public_messages_only(client, submit, regulator):
    case, code = submit()
    services.case_note_add(case=case, actor=regulator, body="内部备注：商家有前科")
    services.case_message_send(case=case, actor=regulator, body="请补充付款截图")

    response = client.post(
        "/complaints/track/",
        {
            "tracking_number": case.tracking_number.lower().replace("-", " "),
            "access_code": code,
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert case.tracking_number in page
    assert f"data-deadline>{case.acceptance_due:%Y-%m-%d}<" in page
    assert "请补充付款截图" in page
    assert "内部备注" not in page


def test_a_wrong_code_says_nothing_about_which_part_was_wrong(client, submit):
    case, _code = submit()
    wrong = client.post(
        "/complaints/track/",
        {"tracking_number": case.tracking_number, "access_code": "AAAA-BBBB-CCCC-DDDD"},
    )
    unknown = client.post(
        "/complaints/track/",
        {"tracking_number": "WS-0000-0000-0000", "access_code": "AAAA-BBBB-CCCC-DDDD"},
    )
    assert wrong.status_code == unknown.status_code == 404
    # The case link without the code asks for the code (never the case itself).
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "data-ask-code" in page and f'value="{case.tracking_number}"' in page
    assert "面霜" not in page and "data-status" not in page


def test_wrong_codes_are_rate_limited_even_with_the_right_code_after(client, submit, settings):
    settings.COMPLAINTS_TRACK_FAILURES_PER_HOUR = 3
    case, code = submit()
    for _ in range(3):
        client.post(
            "/complaints/track/",
            {"tracking_number": case.tracking_number, "access_code": "AAAA-BBBB-CCCC-DDDD"},
        )
    response = client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    assert response.status_code == 429
    assert "data-rate-limited" in response.content.decode()


def test_the_access_code_is_stored_only_as_a_hash(submit):
    case, code = submit()
    raw = Case.objects.filter(pk=case.pk).values_list("access_code_hash", flat=True).get()
    assert code not in raw and code.replace("-", "") not in raw
    # ≥128 bits: 12 + 16 characters of a 32-symbol alphabet = 140 bits.
    assert re.fullmatch(r"WS(-[0-9A-Z]{4}){3}", case.tracking_number)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)


def test_the_complainant_adds_evidence_later(client, submit):
    case, code = submit()
    client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    response = client.post(
        f"/complaints/track/{case.tracking_number}/evidence/",
        {"evidence": [SimpleUploadedFile("later.png", png_bytes())]},
    )
    assert response.status_code == 302
    assert case.evidence.get().added_later
    assert CaseEvent.objects.filter(case=case, kind="evidence", public=False).exists()


def test_evidence_added_later_is_checked_like_the_first(client, submit):
    case, code = submit()
    client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    response = client.post(
        f"/complaints/track/{case.tracking_number}/evidence/",
        {"evidence": [SimpleUploadedFile("x.jpg", b"<html><script>1</script></html>")]},
    )
    assert response.status_code == 400
    assert case.evidence.count() == 0


def test_the_complainant_confirms_and_rates_the_outcome(client, submit, regulator):
    case, code = submit()
    services.case_refuse(case=case, actor=regulator, ground="outside_remit")
    client.post(
        "/complaints/track/", {"tracking_number": case.tracking_number, "access_code": code}
    )
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert 'name="rating"' in page
    response = client.post(
        f"/complaints/track/{case.tracking_number}/feedback/",
        {"confirmed": "on", "rating": "4", "comment": "处理及时"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.consumer_rating == 4 and case.consumer_confirmed_at
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert 'name="rating"' not in page


def test_the_merchant_timeline_shows_cases_without_personal_data(submit, regulator, outsider):
    from complaints.selectors import merchant_timeline
    from core.signals import gathered
    from merchants.signals import timeline_items

    case, _ = submit()
    case.refresh_from_db()
    items = merchant_timeline(case.merchant, regulator)
    assert items[0] in gathered(timeline_items, merchant=case.merchant, user=regulator)
    assert len(items) == 1 and case.tracking_number in items[0].title
    # neither the consumer's name nor the phone number (not a bare "138": a time stamp's
    # microseconds or a case id may hold those digits)
    shown = str(items)
    assert "张三" not in shown and "13812345678" not in shown and "****5678" not in shown
    assert merchant_timeline(case.merchant, outsider) == []
