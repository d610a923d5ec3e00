"""The regulators' admin: region-limited lists, masked PII, audited reveal, workflow, evidence."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.evidence import check_upload
from complaints.models import Case
from core.models import AuditEntry
from tests.complaints.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_the_list_shows_only_the_region_and_masks_personal_data(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    html = client.get("/admin/complaints/case/").content.decode()
    assert case.tracking_number in html
    assert "138****5678" in html and "张*" in html
    assert "13812345678" not in html and "张三" not in html


def test_a_phone_search_uses_the_blind_index(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    html = client.get("/admin/complaints/case/", {"q": "138 1234 5678"}).content.decode()
    assert case.tracking_number in html


def test_the_change_page_has_no_clear_personal_data(client, submit, regulator):
    case, _ = submit(id_number="440106199001011234")
    client.force_login(regulator)
    response = client.get(f"/admin/complaints/case/{case.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "13812345678" not in html and "440106199001011234" not in html
    assert "138****5678" in html


def test_show_personal_data_needs_a_post_and_is_audited(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    url = f"/admin/complaints/case/{case.pk}/pii/"
    assert "13812345678" not in client.get(url).content.decode()
    assert not AuditEntry.objects.filter(action="complaint.pii_shown").exists()
    response = client.post(url, {"reason": "调解需要联系投诉人"})
    assert "13812345678" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="complaint.pii_shown")
    assert entry.actor == regulator and entry.target_id == str(case.pk)
    assert entry.data == {"reason": "调解需要联系投诉人"}


def test_an_outsider_gets_404_everywhere(client, submit, outsider):
    case, _ = submit()
    client.force_login(outsider)
    for url in (
        f"/admin/complaints/case/{case.pk}/change/",
        f"/admin/complaints/case/{case.pk}/workflow/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/admin/complaints/case/{case.pk}/pii/", {"reason": "x"}).status_code == 404
    assert not AuditEntry.objects.filter(action="complaint.pii_shown").exists()
    assert case.tracking_number not in client.get("/admin/complaints/case/").content.decode()


def test_the_workflow_form_calls_the_services(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    url = f"/admin/complaints/case/{case.pk}/workflow/"
    response = client.post(
        url, {"step": "refuse", "ground": "over_three_years", "reason": "2022年的交易"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "not_accepted" and case.refusal_ground == "over_three_years"
    assert AuditEntry.objects.filter(action="complaint.not_accepted").count() == 1
    # A step this case does not offer now is refused with a message; the case is unchanged.
    response = client.post(url, {"step": "mediation_start"}, follow=True)
    assert "当前不能对此案件执行该操作" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "not_accepted"


def test_the_bulk_accept_action(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    response = client.post(
        "/admin/complaints/case/", {"action": "accept_selected", "_selected_action": [case.pk]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "accepted"


def test_evidence_is_downloaded_as_an_audited_sandboxed_attachment(
    client, submit, regulator, outsider
):
    png = png_bytes()
    case, _ = submit(files=[check_upload(SimpleUploadedFile("a.png", png))])
    evidence = case.evidence.get()
    client.force_login(outsider)
    assert client.get(f"/complaints/staff/evidence/{evidence.pk}/original/").status_code == 404
    client.force_login(regulator)
    response = client.get(f"/complaints/staff/evidence/{evidence.pk}/original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Type"] == "application/octet-stream"
    assert AuditEntry.objects.filter(action="complaint.evidence_downloaded").count() == 1
    preview = client.get(f"/complaints/staff/evidence/{evidence.pk}/preview/")
    assert preview.status_code == 200
    b"".join(preview.streaming_content)
    assert Case.objects.count() == 1


def test_the_csv_export_is_masked_and_audited(client, submit, regulator):
    case, _ = submit()
    client.force_login(regulator)
    response = client.post(
        "/admin/complaints/case/", {"action": "export_csv", "_selected_action": [case.pk]}
    )
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and case.tracking_number in body
    assert "138****5678" in body and "张*" in body
    assert "13812345678" not in body and "张三" not in body
    assert AuditEntry.objects.filter(action="complaint.exported").count() == 1


def test_a_reports_evidence_is_only_for_staff_inside_the_case(
    client, submit, regulator, supervisor
):
    report, _ = submit(
        kind="report", files=[check_upload(SimpleUploadedFile("a.png", png_bytes()))]
    )
    url = f"/complaints/staff/evidence/{report.evidence.get().pk}/original/"
    client.force_login(regulator)
    assert client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action="complaint.evidence_denied").count() == 1
    from complaints.services import case_assign

    case_assign(case=report, actor=supervisor, assignee=regulator)
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
