"""On PostgreSQL, refuse UPDATE and DELETE of campaign snapshots at the database level.

An operator repairing data can bypass it inside one transaction with
``SET LOCAL wsmonitor.campaign_maintenance = 'on'``; such a change still breaks the snapshot
chain, which ``manage.py verify_campaign_snapshots`` reports.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION campaigns_snapshot_append_only() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('wsmonitor.campaign_maintenance', true), '') = 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  RAISE EXCEPTION 'campaigns_snapshot is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER campaigns_snapshot_append_only
  BEFORE UPDATE OR DELETE ON campaigns_snapshot
  FOR EACH ROW EXECUTE FUNCTION campaigns_snapshot_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS campaigns_snapshot_append_only ON campaigns_snapshot;
DROP FUNCTION IF EXISTS campaigns_snapshot_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
