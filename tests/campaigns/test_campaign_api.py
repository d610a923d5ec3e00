"""The campaigns API: create campaigns and snapshots, list with breaches and honour rates, the
detail with chain and diffs, error shapes, and region isolation."""

import io

import pytest
from PIL import Image

from campaigns.models import Breach, Campaign, RedemptionReport, Snapshot
from campaigns.services import report_submit
from merchants.models import Post
from tests.campaigns.conftest import notice

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"


def payload(**overrides):
    body = {
        "merchant": {"platform": "wechat_id", "handle": "baby_shop_gz", "region_code": "440103"},
        "title": "转发集赞送保温杯",
        "text": notice(),
        "captured_at": "2025-11-01T10:00:00+08:00",
    }
    body.update(overrides)
    return body


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def writer(token_client):
    return token_client("campaigns:write", "campaigns:read")


def _create(client, **overrides):
    response = client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_it_creates_a_campaign_with_its_first_snapshot(writer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = _create(writer)
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.likes_required == 38
    assert campaign.merchant.region_code == "440103"
    assert campaign.created_by.startswith("api:")
    assert body["likes_required"] == 38
    assert body["gift_value"] == "58.00"
    assert body["deadline"] == "2025-11-09"
    assert [s["sequence"] for s in body["snapshots"]] == [1]
    assert body["snapshots"][0]["prev_hash"] == "0" * 64
    assert body["chain_intact"] is True
    assert Post.objects.filter(
        source="campaign", external_id=f"campaign-{campaign.pk}-snapshot-1"
    ).exists()


def test_explicit_terms_override_what_the_text_says(writer):
    body = _create(writer, terms={"likes": 30, "gift_value": "60"})
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.likes_required == 30
    assert str(campaign.gift_value) == "60.00"
    assert campaign.snapshots.get().terms["likes"] == 30


def test_snapshots_yield_changes_and_breaches(writer):
    body = _create(writer)
    url = f"{URL}{body['id']}/snapshots/"
    r = writer.post(
        url, {"text": notice(likes=88), "captured_at": "2025-11-03T10:00:00+08:00"}, format="json"
    )
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["snapshot"]["sequence"] == 2
    assert data["changes"][0]["direction"] == "against_consumer"
    assert data["new_breaches"][0]["explanation"] == "所需点赞数由38提高到88"
    assert data["new_breaches"][0]["before_sequence"] == 1
    r = writer.post(
        url, {"observed_deleted": True, "captured_at": "2025-11-05T10:00:00+08:00"}, format="json"
    )
    assert r.status_code == 201
    assert r.json()["new_breaches"][0]["kind"] == "deletion"
    assert Breach.objects.filter(campaign_id=body["id"]).count() == 2

    detail = writer.get(f"{URL}{body['id']}/").json()
    assert [s["sequence"] for s in detail["snapshots"]] == [1, 2, 3]
    assert detail["snapshots"][1]["prev_hash"] == detail["snapshots"][0]["content_sha256"]
    assert detail["snapshots"][2]["observed_deleted"] is True
    assert [(c["field"], c["before"], c["after"]) for c in detail["changes"]] == [
        ("likes", "38", "88")
    ]
    assert [b["kind"] for b in detail["breaches"]] == ["term_change", "deletion"]
    assert detail["status"] == "deleted"
    assert detail["chain_intact"] is True


def test_a_screenshot_is_stored_privately_with_its_hash(writer, settings):
    body = _create(writer)
    r = writer.post(
        f"{URL}{body['id']}/snapshots/",
        {
            "text": notice(),
            "source": "consumer",
            "complaint_ref": "TS-2025-0001",
            "image": io.BytesIO(_png()),
        },
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    snap = Snapshot.objects.get(campaign_id=body["id"], sequence=2)
    assert snap.image_sha256 and len(snap.image_sha256) == 64
    assert str(settings.MEDIA_ROOT) in snap.image.path
    assert snap.source == "consumer" and snap.complaint_ref == "TS-2025-0001"
    assert "url" not in r.json()["snapshot"] and r.json()["snapshot"]["has_image"] is True


def test_a_file_that_is_not_an_image_is_refused(writer):
    body = _create(writer)
    r = writer.post(
        f"{URL}{body['id']}/snapshots/",
        {"text": notice(), "image": io.BytesIO(b"%PDF-1.4 not an image")},
        format="multipart",
    )
    assert r.status_code == 400
    assert "image" in r.json()["fields"]
    assert Snapshot.objects.filter(campaign_id=body["id"]).count() == 1


def test_the_list_shows_breaches_and_honour_rates(writer):
    body = _create(writer)
    writer.post(
        f"{URL}{body['id']}/snapshots/",
        {"text": notice(likes=88), "captured_at": "2025-11-03T10:00:00+08:00"},
        format="json",
    )
    campaign = Campaign.objects.get(pk=body["id"])
    import datetime

    for outcome in ["received", "refused", "refused", "refused"]:
        report_submit(
            campaign=campaign,
            likes_collected=40,
            collected_on=datetime.date(2025, 11, 2),
            outcome=outcome,
            excuse_text="礼品已经发完了" if outcome == "refused" else "",
        )
    _create(writer, title="另一个活动", text=notice(likes=20))
    r = writer.get(URL)
    assert r.status_code == 200
    rows = {row["id"]: row for row in r.json()["results"]}
    assert len(rows) == 2
    row = rows[body["id"]]
    assert row["breach_count"] == 1
    assert row["report_count"] == 4 and row["refusal_count"] == 3
    assert row["honour_rate"] == 0.25
    assert row["honour_flagged"] is True
    only = writer.get(URL, {"has_breaches": "true"}).json()["results"]
    assert [c["id"] for c in only] == [body["id"]]


def test_reports_through_the_api_scan_the_excuse(writer):
    body = _create(writer)
    r = writer.post(
        f"{URL}{body['id']}/reports/",
        {
            "likes_collected": 38,
            "collected_on": "2025-11-02",
            "outcome": "refused",
            "excuse_text": "预约已满，下次再来",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["excuses"] == ["appointments_full", "come_back_later"]
    assert RedemptionReport.objects.get().source == "api"


def test_401_without_a_token(api_client):
    r = api_client.get(URL)
    assert r.status_code == 401
    assert set(r.json()) == {"code", "detail", "fields"}


def test_403_with_a_read_token_on_write(token_client):
    client = token_client("campaigns:read")
    r = client.post(URL, payload(), format="json")
    assert r.status_code == 403
    assert r.json()["code"] == "permission_denied"
    assert not Campaign.objects.exists()


def test_400_names_the_bad_fields_and_stores_nothing(writer):
    bad = payload(title="", terms={"likes": -3, "deadline": "next week"})
    bad["merchant"]["region_code"] = "99"
    r = writer.post(URL, bad, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert {"title", "terms", "merchant"} <= set(body["fields"])
    assert set(body["fields"]["terms"]) == {"likes", "deadline"}
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"text": None},
        {"observed_deleted": "maybe"},
        {"text": "a\x00b"},
        {"text": "x" * 20_001},
        {"captured_at": "yesterday", "text": "集满38个赞"},
    ],
)
def test_bad_snapshot_bodies_are_400_never_500(writer, body):
    created = _create(writer)
    r = writer.post(f"{URL}{created['id']}/snapshots/", body, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid"
    assert Snapshot.objects.filter(campaign_id=created["id"]).count() == 1


def test_a_future_capture_time_is_refused(writer):
    created = _create(writer)
    r = writer.post(
        f"{URL}{created['id']}/snapshots/",
        {"text": notice(), "captured_at": "2999-01-01T00:00:00Z"},
        format="json",
    )
    assert r.status_code == 400
    assert "captured_at" in r.json()["fields"]


def test_region_tokens_see_only_their_regions(writer, token_client):
    created = _create(writer)
    shanghai = token_client("campaigns:read", "campaigns:write", regions=["310000"])
    assert shanghai.get(f"{URL}{created['id']}/").status_code == 404
    assert shanghai.get(URL).json()["results"] == []
    r = shanghai.post(f"{URL}{created['id']}/snapshots/", {"text": notice()}, format="json")
    assert r.status_code == 404
    guangzhou = token_client("campaigns:read", regions=["440100"])
    assert guangzhou.get(f"{URL}{created['id']}/").status_code == 200


def test_a_region_token_cannot_create_a_campaign_elsewhere(token_client):
    shanghai = token_client("campaigns:write", regions=["310000"])
    r = shanghai.post(URL, payload(), format="json")
    assert r.status_code == 400
    assert "merchant" in r.json()["fields"]
    assert not Campaign.objects.exists()


def test_the_same_screenshot_sent_twice_reuses_the_stored_file(writer):
    body = _create(writer)
    names = []
    for n in (1, 2):
        r = writer.post(
            f"{URL}{body['id']}/snapshots/",
            {"text": notice(likes=38 + n), "image": io.BytesIO(_png())},
            format="multipart",
        )
        assert r.status_code == 201, r.content
        names.append(Snapshot.objects.get(campaign_id=body["id"], sequence=n + 1).image.name)
    assert names[0] == names[1]
