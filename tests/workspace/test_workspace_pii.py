"""Complainants' personal data: masked on the merchant page; opening it (from the case the
timeline links to) is an explicit, audited act; the audit chain verifies afterwards."""

from django.core.management import call_command

from core.models import AuditEntry
from tests.workspace.conftest import login


def test_opening_a_complainants_data_is_audited(
    world, regulator, django_capture_on_commit_callbacks
):
    from complaints.defaults import seed
    from complaints.models import Case, DeadlineRule, RefusalGround
    from complaints.services import case_submit

    seed(DeadlineRule, RefusalGround)
    with django_capture_on_commit_callbacks(execute=True):
        case_submit(
            data={
                "kind": "complaint",
                "merchant_wechat_id": "tianhe_meibai",
                "merchant_name": "天河美白",
                "description": "美白霜用后过敏，商家说能根治痘痘。",
                "demand": "退款",
                "name": "李四",
                "phone": "13987654321",
                "address": "广东省广州市天河区体育西路2号",
                "consent": True,
            },
            files=[],
        )
    case = Case.objects.get()
    client = login(regulator)

    page = client.get(f"/admin/merchants/merchant/{world['tianhe'].pk}/change/").content.decode()
    assert case.tracking_number in page
    assert f"/admin/complaints/case/{case.pk}/change/" in page
    assert "13987654321" not in page and "李四" not in page

    shown = client.post(
        f"/admin/complaints/case/{case.pk}/pii/", {"reason": "联系投诉人核实过敏情况"}
    )
    assert shown.status_code == 200 and "13987654321" in shown.content.decode()
    entry = AuditEntry.objects.filter(target_id=str(case.pk), action__contains="pii").latest("id")
    assert entry.actor == regulator and "联系投诉人核实过敏情况" in str(entry.data)
    call_command("verify_audit")
