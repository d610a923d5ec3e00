"""Dashboard: charts with tables and CSV, limited to the viewer's regions; a chart whose
provider app is missing says "no data source"."""

import csv
import io

import pytest

from merchants import dashboard
from merchants.models import Finding
from tests.workspace.conftest import login


def test_it_shows_charts_with_tables_for_the_users_regions(world, regulator):
    response = login(regulator).get("/admin/merchants/dashboard/")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<svg class="chart"') >= 3
    assert world["liwan"].display_name in body
    assert world["nanshan"].display_name not in body  # 深圳 is outside 广州
    assert world["huangpu"].display_name not in body


def test_it_downloads_each_chart_as_csv(world, regulator):
    response = login(regulator).get("/admin/merchants/dashboard/", {"csv": "top"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    assert names == {world["liwan"].display_name, world["tianhe"].display_name}

    findings = login(regulator).get("/admin/merchants/dashboard/", {"csv": "findings"})
    rows = list(csv.reader(io.StringIO(findings.content.decode("utf-8-sig"))))
    expected = Finding.objects.filter(
        is_current=True, post__merchant__region_code__startswith="4401"
    ).count()
    assert sum(int(v) for row in rows[1:] for v in row[1:]) == expected > 0


@pytest.fixture
def no_providers(monkeypatch):
    from merchants import signals

    monkeypatch.setattr(signals.dashboard_complaints, "receivers", [])
    monkeypatch.setattr(signals.dashboard_campaigns, "receivers", [])


def test_a_chart_without_a_provider_says_no_data_source(world, regulator, no_providers):
    body = login(regulator).get("/admin/merchants/dashboard/").content.decode()
    assert body.count("data-no-source") == 2
    assert (
        login(regulator).get("/admin/merchants/dashboard/", {"csv": "complaints"}).status_code
        == 404
    )


def test_a_registered_provider_fills_its_chart_with_the_viewers_regions(
    world, regulator, no_providers
):
    seen = []

    def complaints(prefixes, since):
        seen.append(prefixes)
        return [{"period": since.isoformat(), "received": 5, "accepted": 3, "overdue": 1}]

    from core.signals import answer
    from merchants.signals import dashboard_complaints

    answer(dashboard_complaints, complaints, uid="test.complaints")
    body = login(regulator).get("/admin/merchants/dashboard/").content.decode()

    assert seen == [["4401"]]
    assert body.count("data-no-source") == 1
    rows = dashboard.dashboard_chart(["4401"], "complaints")["rows"]
    assert rows[0][1:] == [5, 3, 1]


def test_the_dashboard_is_staff_only(db, client):
    assert client.get("/admin/merchants/dashboard/").status_code == 302


def test_the_region_queue_count_counts_merchants_and_names_the_region(world, regulator):
    """Each queued merchant once, however many findings its posts have (the review noted 8 and
    16 where there were 1 and 2 merchants), with the district's name."""
    from merchants.dashboard import dashboard_chart
    from merchants.models import Merchant

    Merchant.objects.update(in_review_queue=True)
    chart = dashboard_chart(["4401"], "regions")
    counts = {row[0]: row[1] for row in chart["rows"]}
    expected = {}
    from core.regions import region_label

    for m in Merchant.objects.filter(region_code__startswith="4401", merged_into__isnull=True):
        expected[region_label(m.region_code)] = expected.get(region_label(m.region_code), 0) + 1
    assert counts == expected
    assert any("荔湾区" in label for label in counts)


def test_undecided_campaigns_are_not_counted_as_not_honoured(db):
    from merchants import dashboard

    def provider(prefixes, since):
        return [{"region": "440103", "promised": 3, "honoured": 1, "not_honoured": 1}]

    from core.signals import answer
    from merchants.signals import dashboard_campaigns

    saved = dashboard_campaigns.receivers
    dashboard_campaigns.receivers = []
    try:
        answer(dashboard_campaigns, provider, uid="test.campaigns")
        chart = dashboard.dashboard_chart(None, "campaigns")
    finally:
        dashboard_campaigns.receivers = saved
    assert chart["rows"] == [["广州市荔湾区（440103）", 3, 1, 1, 1, "50%"]]
