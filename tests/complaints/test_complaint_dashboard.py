"""The complaints chart of the regulator dashboard counts this app's cases, per region."""

import pytest

from complaints.models import Case
from complaints.selectors import dashboard_complaints
from core.signals import gathered
from merchants import signals
from merchants.dashboard import dashboard_since

pytestmark = pytest.mark.django_db


def test_the_complaints_app_feeds_the_dashboard(submit):
    submit()
    since = dashboard_since()
    answered = gathered(signals.dashboard_complaints, prefixes=None, since=since)
    assert answered == dashboard_complaints(None, since) and answered


def test_weekly_received_accepted_and_overdue_counts_respect_regions(submit):
    first, _ = submit()
    second, _ = submit(
        description="另一位消费者：收到的口红是假货，商家拉黑了我。", phone="13900001111"
    )
    Case.objects.filter(pk=first.pk).update(status=Case.Status.ACCEPTED)
    Case.objects.filter(pk=second.pk).update(sla=Case.Sla.OVERDUE)
    region = Case.objects.get(pk=first.pk).region_code

    rows = dashboard_complaints([region[:4]], dashboard_since())
    assert sum(r["received"] for r in rows) == 2
    assert sum(r["accepted"] for r in rows) == 1
    assert sum(r["overdue"] for r in rows) == 1
    assert all(len(r["period"]) == 10 for r in rows)  # YYYY-MM-DD, the Monday of the week

    assert dashboard_complaints(["31"], dashboard_since()) == []
