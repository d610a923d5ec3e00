"""On PostgreSQL, refuse UPDATE and DELETE on the audit log at the database level.

An operator repairing data can bypass it inside one transaction with
``SET LOCAL wsmonitor.audit_maintenance = 'on'``; such a change still breaks the hash chain,
which ``manage.py verify_audit`` reports.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION wsmonitor_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('wsmonitor.audit_maintenance', true), '') = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'wsmonitor_auditentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER wsmonitor_audit_append_only
  BEFORE UPDATE OR DELETE ON wsmonitor_auditentry
  FOR EACH ROW EXECUTE FUNCTION wsmonitor_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS wsmonitor_audit_append_only ON wsmonitor_auditentry;
DROP FUNCTION IF EXISTS wsmonitor_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("wsmonitor", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
