"""The audit log is append-only and tamper-evident."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from core.audit import audit_log, verify_chain
from core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_chain_to_each_other(regulator):
    first = audit_log("complaint.accepted", actor=regulator, data={"reason": "ok"}, ip="10.0.0.1")
    second = audit_log("merchant.warned", actor=regulator, target=first)
    assert second.prev_hash == first.hash
    assert first.actor_label == "gz-regulator"
    assert second.target_type == "wsmonitor.auditentry"
    assert list(verify_chain()) == []


def test_the_app_cannot_change_or_delete_an_entry(regulator):
    entry = audit_log("complaint.accepted", actor=regulator)
    entry.action = "complaint.rejected"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "complaint.accepted"


def _tamper(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL wsmonitor.audit_maintenance = 'on'")
        cursor.execute(sql, params)


def test_verify_audit_names_an_altered_row(regulator, capsys):
    entries = [audit_log(f"test.step{i}", actor=regulator, data={"i": i}) for i in range(5)]
    call_command("verify_audit")
    assert "5 entries verified" in capsys.readouterr().out

    victim = entries[2]
    _tamper("UPDATE wsmonitor_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', victim.pk])
    with pytest.raises(CommandError, match="broken at 1 place"):
        call_command("verify_audit")
    assert f"audit entry #{victim.pk}: content does not match" in capsys.readouterr().err


def test_verify_audit_notices_a_deleted_row(regulator, capsys):
    entries = [audit_log(f"test.step{i}", actor=regulator) for i in range(4)]
    _tamper("DELETE FROM wsmonitor_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"audit entry #{entries[2].pk}: previous-hash link broken" in capsys.readouterr().err


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_raw_updates(regulator):
    from django.db import InternalError

    entry = audit_log("complaint.accepted", actor=regulator)
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE wsmonitor_auditentry SET action='x' WHERE id=%s", [entry.pk])
