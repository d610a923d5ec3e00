"""Encryption at rest, the blind index, masking, audited reveal, jurisdiction, erasure."""

import pytest
from django.core.management import call_command
from django.db import connection

from complaints import selectors, services
from complaints.models import Case
from complaints.pii import mask_name, mask_phone, phone_blind_index
from core.errors import Forbidden, NotFound
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_raw_select_of_the_phone_column_does_not_contain_the_digits(submit):
    case, _code = submit(phone="13812345678", name="张三", id_number="440106199001011234")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT complainant_phone, complainant_name, complainant_id_number, phone_index "
            "FROM complaints_case WHERE id = %s",
            [case.pk],
        )
        phone, name, id_number, index = cursor.fetchone()
    assert "13812345678" not in phone and "5678" not in phone and "138" not in phone
    assert "13812345678" not in index
    assert "张三" not in name and "440106" not in id_number
    assert Case.objects.get(pk=case.pk).complainant_phone == "13812345678"  # ORM decrypts


def test_the_blind_index_finds_the_same_phone_in_any_format(submit):
    case, _code = submit(phone="138 1234 5678")
    assert Case.objects.filter(phone_index=phone_blind_index("+86-13812345678")).get() == case


def test_lists_show_masked_personal_data():
    assert mask_name("张三") == "张*"
    assert mask_phone("13812345678") == "138****5678"


def test_masked_person_hides_a_reporter_entirely(submit):
    complaint, _ = submit()
    report, _ = submit(kind="report", anonymous=False)
    assert selectors.masked_person(complaint) == {
        "name": "张*",
        "phone": "138****5678",
        "address": "广东省广州市****",
        "id_number": "",
    }
    assert "张" not in selectors.masked_person(report)["name"]


def test_show_personal_data_is_audited_every_time(submit, regulator):
    case, _code = submit()
    for _ in range(3):
        pii = services.case_pii_reveal(case=case, actor=regulator, reason="mediation call")
    assert pii["phone"] == "13812345678"
    entries = AuditEntry.objects.filter(action="complaint.pii_shown", target_id=str(case.pk))
    assert entries.count() == 3
    assert all(e.actor == regulator for e in entries)
    assert "13812345678" not in str(list(entries.values_list("data", flat=True)))


def test_a_reporters_identity_is_shown_only_inside_the_case(submit, regulator, supervisor):
    report, _ = submit(kind="report", anonymous=False)
    with pytest.raises(Forbidden):
        services.case_pii_reveal(case=report, actor=regulator)
    assert AuditEntry.objects.filter(action="complaint.pii_denied").count() == 1
    services.case_assign(case=report, actor=supervisor, assignee=regulator)
    assert services.case_pii_reveal(case=report, actor=regulator)["name"] == "张三"


def test_a_regulator_of_another_region_cannot_see_or_guess_a_case(
    client, submit, outsider, regulator
):
    case, _code = submit()
    assert list(selectors.case_list(user=outsider)) == []
    with pytest.raises(NotFound):
        selectors.case_get(user=outsider, pk=case.pk)
    assert selectors.case_get(user=regulator, pk=case.pk) == case
    evidence_url = f"/complaints/staff/evidence/{case.pk}/original/"
    client.force_login(outsider)
    for url in (
        f"/admin/complaints/case/{case.pk}/change/",
        f"/admin/complaints/case/{case.pk}/pii/",
        evidence_url,
        f"/admin/complaints/case/{case.pk + 1000}/change/",
    ):
        assert client.get(url).status_code == 404, url


def test_erasure_keeps_the_case_and_removes_the_person(submit):
    case, _code = submit(email="z@example.com")
    call_command("complaints_erase", case.tracking_number, reason="deletion request")
    case.refresh_from_db()
    assert case.complainant_name is None and case.complainant_phone is None
    assert case.complainant_email is None and case.phone_index == ""
    assert case.status == "received" and case.description
    assert AuditEntry.objects.filter(action="complaint.pii_erased").count() == 1


def test_retention_erases_only_cases_closed_long_ago(submit, settings):
    import datetime

    from django.utils import timezone

    old, _ = submit()
    recent, _ = submit(phone="13900001111")
    Case.objects.filter(pk=old.pk).update(
        status="closed", closed_at=timezone.now() - datetime.timedelta(days=4 * 365)
    )
    Case.objects.filter(pk=recent.pk).update(status="closed", closed_at=timezone.now())
    call_command("complaints_erase", retention=True)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.pii_erased_at and old.complainant_phone is None
    assert recent.pii_erased_at is None and recent.complainant_phone == "13900001111"
