"""Exports run in the background through the outbox, with progress, and mask personal data."""

import io

from django.core.signals import request_finished
from django.db import close_old_connections
from openpyxl import load_workbook

from core.models import AuditEntry, OutboxMessage
from merchants.models import ExportJob
from tests.workspace.conftest import login


def test_an_admin_action_queues_an_xlsx_export_with_masked_phones(
    ingest, regulator, django_capture_on_commit_callbacks
):
    post = ingest("13812345678", "440103", "高仿包包一比一复刻", platform="phone")
    client = login(regulator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/merchants/merchant/",
            {"action": "export_xlsx", "_selected_action": [post.merchant_id]},
        )

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == "done" and job.percent == 100 and job.mask_pii
    assert OutboxMessage.objects.get(task_name="merchants.export_run").completed_at is not None
    with job.file.open("rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read())).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert any("138****5678" in c for c in cells)
    assert not any("13812345678" in c for c in cells)
    assert AuditEntry.objects.filter(action="export.requested").count() == 1

    page = client.get(f"/admin/merchants/exportjob/{job.pk}/change/")
    assert page.status_code == 200 and "100%" in page.content.decode()
    download = client.get(f"/admin/merchants/exportjob/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an XLSX (zip) file
    # Closing fires request_finished, which would close the test's connection (as the test
    # client itself does, detach that receiver meanwhile).
    request_finished.disconnect(close_old_connections)
    try:
        download.close()
    finally:
        request_finished.connect(close_old_connections)
    assert AuditEntry.objects.filter(action="export.downloaded").count() == 1


def test_another_user_cannot_download_my_export(
    world, regulator, supervisor, django_capture_on_commit_callbacks
):
    from merchants.exports import export_request

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(kind="findings", fmt="csv", ids=[1, 2, 3], actor=regulator)
    assert (
        login(supervisor).get(f"/admin/merchants/exportjob/{job.pk}/download/").status_code == 404
    )


def test_a_posts_export_masks_phone_numbers_in_the_text(
    ingest, regulator, django_capture_on_commit_callbacks
):
    import csv

    from merchants.exports import export_request

    post = ingest("shop_a", "440103", "高仿包包，加微信或打电话13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(kind="posts", fmt="csv", ids=[post.pk], actor=regulator)
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        rows = list(csv.reader(io.StringIO(fh.read().decode("utf-8-sig"))))
    assert rows[1][4] == "高仿包包，加微信或打电话139****5678"
