"""A full disk or a database failure never loses a submission silently.

Either the complaint is stored and the consumer is told exactly what was received (the receipt
names the files that were not stored and how to add them), or it is refused with an honest 503
that keeps what was typed. No file is left behind that no row references.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Case, CaseEvent, Evidence
from core.models import AuditEntry
from tests.complaints.conftest import complaint_post, png_bytes
from tests.faults import failing_commit, failing_statement, full_disk, stored_files

pytestmark = pytest.mark.django_db

EVIDENCE = "complaints/evidence/"


def upload(name, content):
    return SimpleUploadedFile(name, content, "application/octet-stream")


def _files():
    return [upload("聊天截图.png", png_bytes()), upload("转账记录.txt", "转账299元".encode())]


def _track(client, case, code):
    form = {"tracking_number": case.tracking_number, "access_code": code}
    assert client.post("/complaints/track/", form).status_code == 302


def _receipt_code(client, response) -> str:
    receipt = client.get(response["Content-Location"]).content.decode()
    return re.search(r"data-access-code>\s*([^<\s]+)", receipt).group(1)


def _referenced() -> list[str]:
    names = [e.file.name for e in Evidence.objects.all()]
    names += [e.preview.name for e in Evidence.objects.exclude(preview="")]
    return sorted(names)


def test_with_the_disk_full_the_text_is_stored_and_the_receipt_names_each_missing_file(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    data = complaint_post(email="zhang@example.com", evidence=_files())
    with full_disk(settings, prefix=EVIDENCE), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/complaints/new/", data)
    assert response.status_code == 200, response.content[:300]
    case = Case.objects.get()
    assert case.description == "在朋友圈买的面霜是假货，商家拒绝退款。"
    assert case.evidence.count() == 0
    receipt = client.get(response["Content-Location"]).content.decode()
    assert re.search(r"data-access-code>[^<]+<", receipt)  # the receipt as usual …
    assert "以下文件未能保存" in receipt  # … saying what was not received
    assert "聊天截图.png" in receipt and "转账记录.txt" in receipt
    assert "补充证据" in receipt
    # The case's history tells the consumer and the office, the audit log keeps the names.
    note = case.events.get(kind=CaseEvent.Kind.EVIDENCE, public=True)
    assert "聊天截图.png" in note.body and "补充证据" in note.body
    entry = AuditEntry.objects.get(action="complaint.evidence_not_stored")
    assert entry.data["files"] == ["聊天截图.png", "转账记录.txt"]
    # The receipt e-mail says it too.
    assert "以下文件未能保存：聊天截图.png、转账记录.txt" in mailoutbox[0].body
    # No empty or truncated file is left on the disk.
    assert stored_files(settings.MEDIA_ROOT) == []
    # The case itself is marked "evidence pending" (证据待补).
    assert case.evidence_pending is True


def test_a_submission_whose_files_are_all_stored_is_not_marked_pending(client):
    response = client.post("/complaints/new/", complaint_post(evidence=_files()))
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.evidence.count() == 2 and case.evidence_pending is False


def test_the_pending_mark_is_on_the_tracking_page_until_the_evidence_is_added(client, settings):
    with full_disk(settings, prefix=EVIDENCE):
        response = client.post("/complaints/new/", complaint_post(evidence=_files()))
    case = Case.objects.get()
    _track(client, case, _receipt_code(client, response))
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "有证据文件未能保存，请补充上传" in page
    # Still full: the upload is refused and the case stays marked.
    url = f"/complaints/track/{case.tracking_number}/evidence/"
    with full_disk(settings, prefix=EVIDENCE):
        assert client.post(url, {"evidence": _files()}).status_code == 503
    case.refresh_from_db()
    assert case.evidence_pending is True
    # Room again: the files are added and the mark goes.
    response = client.post(url, {"evidence": _files()})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.evidence_pending is False and case.evidence.count() == 2
    page = client.get(f"/complaints/track/{case.tracking_number}/").content.decode()
    assert "有证据文件未能保存" not in page
    entry = AuditEntry.objects.get(action="complaint.evidence_added")
    assert entry.data["evidence_pending_cleared"] is True


def test_files_sent_with_a_reply_clear_the_mark_too(client, settings):
    with full_disk(settings, prefix=EVIDENCE):
        response = client.post("/complaints/new/", complaint_post(evidence=_files()))
    case = Case.objects.get()
    _track(client, case, _receipt_code(client, response))
    url = f"/complaints/track/{case.tracking_number}/reply/"
    assert client.post(url, {"body": "补上截图。", "evidence": _files()[:1]}).status_code == 302
    case.refresh_from_db()
    assert case.evidence_pending is False


def test_the_regulator_filters_pending_cases_and_marks_them_dealt_with(
    client, settings, submit, regulator
):
    complete, _code = submit()
    with full_disk(settings, prefix=EVIDENCE):
        client.post("/complaints/new/", complaint_post(phone="13912345678", evidence=_files()))
    pending = Case.objects.get(evidence_pending=True)
    client.force_login(regulator)
    html = client.get("/admin/complaints/case/", {"evidence_pending__exact": "1"}).content.decode()
    assert "证据待补" in html  # the filter …
    assert html.count("data-evidence-pending") == 1  # … and the mark on the pending row
    assert pending.tracking_number in html and complete.tracking_number not in html
    page = client.get(f"/admin/complaints/case/{pending.pk}/change/").content.decode()
    assert "data-evidence-pending" in page and "证据待补" in page
    response = client.post(
        "/admin/complaints/case/",
        {"action": "evidence_done_selected", "_selected_action": [pending.pk, complete.pk]},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.evidence_pending is False
    entry = AuditEntry.objects.get(action="complaint.evidence_pending_cleared")
    assert entry.actor == regulator and entry.target_id == str(pending.pk)
    assert pending.events.get(kind=CaseEvent.Kind.NOTE).body == "证据待补：已标记为处理完毕。"
    html = client.get("/admin/complaints/case/", {"evidence_pending__exact": "1"}).content.decode()
    assert pending.tracking_number not in html


def test_a_disk_that_fills_up_after_the_first_file_keeps_that_file(client, settings):
    with full_disk(settings, prefix=EVIDENCE, let_through=1):
        response = client.post("/complaints/new/", complaint_post(evidence=_files()))
    assert response.status_code == 200
    case = Case.objects.get()
    assert list(case.evidence.values_list("original_name", flat=True)) == ["聊天截图.png"]
    receipt = client.get(response["Content-Location"]).content.decode()
    missing = re.search(r"data-not-stored>(.*?)</div>", receipt, re.S).group(1)
    assert "转账记录.txt" in missing and "聊天截图.png" not in missing
    assert stored_files(settings.MEDIA_ROOT) == _referenced()


def test_a_mixed_submission_on_a_full_disk_files_both_cases_and_says_so_for_each(client, settings):
    with full_disk(settings, prefix=EVIDENCE):
        response = client.post("/complaints/new/", complaint_post(kind="both", evidence=_files()))
    assert response.status_code == 200
    assert Case.objects.count() == 2
    receipt = client.get(response["Content-Location"]).content.decode()
    assert receipt.count("data-not-stored") == 2


def test_a_database_failure_on_the_evidence_insert_keeps_the_text_and_removes_the_file(
    client, settings
):
    with failing_statement(r'INSERT INTO "complaints_evidence"', times=1):
        response = client.post("/complaints/new/", complaint_post(evidence=_files()))
    assert response.status_code == 200
    case = Case.objects.get()
    assert list(case.evidence.values_list("original_name", flat=True)) == ["转账记录.txt"]
    receipt = client.get(response["Content-Location"]).content.decode()
    assert "聊天截图.png" in re.search(r"data-not-stored>(.*?)</div>", receipt, re.S).group(1)
    assert stored_files(settings.MEDIA_ROOT) == _referenced()  # the refused row's file is gone


def test_a_database_failure_before_the_text_is_kept_answers_503_with_the_form_as_typed(
    client, settings
):
    data = complaint_post(description="商家收款后拉黑了我，假一赔十是骗人的。")
    form = client.get("/complaints/new/").content.decode()
    sent_token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    data["form_token"] = sent_token
    with failing_statement(r'INSERT INTO "complaints_case"', times=1):
        response = client.post("/complaints/new/", {**data, "evidence": _files()})
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "系统暂时无法保存您的提交，本次提交未登记" in html
    assert "商家收款后拉黑了我，假一赔十是骗人的。" in html  # what was typed comes back
    assert "不会丢失" not in html.replace("您填写的内容没有丢失", "")
    assert Case.objects.count() == 0
    # Sent again (the same one-time token, the files kept for it): filed once, with its files.
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert token == sent_token
    staged = re.findall(r'name="staged" value="([^"]+)"', html)
    assert len(staged) == 2
    again = client.post("/complaints/new/", {**data, "form_token": token, "staged": staged})
    assert again.status_code == 200
    assert Case.objects.get().evidence.count() == 2
    assert client.post("/complaints/new/", {**data, "form_token": token}).status_code == 302
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_answers_503_and_stores_nothing(client, settings, monkeypatch):
    data = complaint_post(description="微商卖的减肥药吃了拉肚子，要求退款。")
    client.get("/complaints/new/")
    with failing_commit(monkeypatch, times=1):
        response = client.post("/complaints/new/", {**data, "evidence": _files()[1:]})
    assert response.status_code == 503
    assert "微商卖的减肥药吃了拉肚子，要求退款。" in response.content.decode()
    assert Case.objects.count() == 0
    assert Evidence.objects.count() == 0
    # Only the file kept for sending the form again is on the disk, no evidence file.
    assert all(name.startswith("complaints/staging/") for name in stored_files(settings.MEDIA_ROOT))


def test_adding_evidence_on_a_full_disk_answers_503_and_keeps_nothing_half(
    client, settings, submit
):
    case, code = submit()
    _track(client, case, code)
    url = f"/complaints/track/{case.tracking_number}/evidence/"
    with full_disk(settings, prefix=EVIDENCE, let_through=1):
        response = client.post(url, {"evidence": _files()})
    assert response.status_code == 503
    html = response.content.decode()
    assert "文件暂时无法保存，本次上传的文件均未收到" in html
    assert case.evidence.count() == 0  # all or none: the first file is not kept alone
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_reply_keeps_its_text_when_its_files_cannot_be_stored(client, settings, submit):
    case, code = submit()
    _track(client, case, code)
    url = f"/complaints/track/{case.tracking_number}/reply/"
    with full_disk(settings, prefix=EVIDENCE):
        response = client.post(url, {"body": "商家已经删除了朋友圈。", "evidence": _files()[:1]})
    assert response.status_code == 302
    assert case.events.get(kind=CaseEvent.Kind.REPLY).body == "商家已经删除了朋友圈。"
    page = client.get(response["Location"]).content.decode()
    assert "您的回复已收到，但附带的文件未能保存" in page
    assert case.evidence.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_reply_refused_by_the_database_comes_back_as_typed(client, submit):
    case, code = submit()
    _track(client, case, code)
    url = f"/complaints/track/{case.tracking_number}/reply/"
    with failing_statement(r'INSERT INTO "complaints_caseevent"', times=1):
        response = client.post(url, {"body": "请尽快处理，谢谢。"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "系统暂时无法保存，本次内容未收到" in html and "请尽快处理，谢谢。" in html
    assert not case.events.filter(kind=CaseEvent.Kind.REPLY).exists()


def test_the_api_names_the_files_it_could_not_store(token_client, settings):
    api = token_client("complaints:write", "complaints:read")
    payload = {
        "kind": "report",
        "merchant_wechat_id": "fake_lv_shop",
        "description": "朋友圈卖高仿LV包。",
        "anonymous": "true",
        "consent": "true",
        "evidence": _files(),
    }
    with full_disk(settings, prefix=EVIDENCE):
        response = api.post("/api/v1/complaints/", payload, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()[0]["evidence_not_stored"] == ["聊天截图.png", "转账记录.txt"]
    assert Case.objects.get().evidence.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []
    number = response.json()[0]["tracking_number"]
    status = api.get(f"/api/v1/complaints/{number}/")
    assert status.status_code == 200 and status.json()["evidence_pending"] is True


def test_a_large_upload_is_stored_for_both_cases_of_a_complaint_and_report(client, settings):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE the upload is a temporary file on disk, not in memory.
    big = ("聊天记录：商家说假一赔十。\n" * 120_000).encode()[:3_000_000]
    data = complaint_post(kind="both", evidence=[upload("聊天记录.txt", big)])
    response = client.post("/complaints/new/", data)
    assert response.status_code == 200
    assert [c.evidence.count() for c in Case.objects.order_by("pk")] == [1, 1]
    assert "data-not-stored" not in client.get(response["Content-Location"]).content.decode()
    assert stored_files(settings.MEDIA_ROOT) == _referenced()
