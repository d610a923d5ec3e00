"""Public pages: the merchant check shows only what is public; consumer warnings and their
feeds show only published warnings; publishing is a supervisor's audited act."""

import pytest
from django.test import Client

from core.errors import Forbidden
from core.models import AuditEntry
from merchants import actions as svc
from merchants.models import ConsumerWarning
from tests.workspace.conftest import login


@pytest.fixture
def warned(world, regulator, supervisor):
    m = world["liwan"]
    draft = svc.warning_draft(
        actor=regulator,
        title="消费警示：警惕高仿奢侈品代购",
        body="近期有微商销售高仿奢侈品，请谨慎购买。",
        region_code=m.region_code,
        merchant=m,
    )
    return m, draft


def test_the_check_page_shows_registration_and_published_warnings_only(warned, supervisor):
    m, draft = warned
    client = Client()

    before = client.get("/merchants/check/", {"handle": " @LIWAN_daigou "})
    assert before.status_code == 200
    body = before.content.decode()
    assert m.display_name in body
    assert draft.title not in body  # a draft is not public
    assert str(m.risk_score) not in body and "高仿" not in body  # no score, no findings
    assert 'lang="zh-hans"' in body and "查询" in body

    svc.warning_publish(warning=draft, actor=supervisor)
    after = client.get("/merchants/check/", {"handle": "liwan_daigou"}).content.decode()
    assert draft.title in after


def test_an_unknown_handle_says_so_without_reassuring(db):
    body = Client().get("/merchants/check/", {"handle": "nobody_here"}).content.decode()
    assert "data-no-result" in body


def test_the_check_page_is_rate_limited(db, settings):
    settings.WORKSPACE_CHECK_PER_IP_HOUR = 2
    client = Client()
    codes = [client.get("/merchants/check/", {"handle": f"h{i}"}).status_code for i in range(3)]
    assert codes == [200, 200, 429]


def test_only_a_supervisor_publishes_and_it_is_audited(warned, regulator, supervisor):
    _m, draft = warned
    with pytest.raises(Forbidden):
        svc.warning_publish(warning=draft, actor=regulator)
    assert ConsumerWarning.objects.get(pk=draft.pk).state == "draft"

    client = login(supervisor)
    publish = f"/admin/merchants/consumerwarning/{draft.pk}/publish/"
    page = client.get(publish).content.decode()
    assert "确认并发布" in page and draft.title in page  # a confirmation page first
    client.post(publish, {})  # without the confirmation nothing is published
    assert ConsumerWarning.objects.get(pk=draft.pk).state == "draft"
    response = client.post(publish, {"confirm": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published" and draft.published_by == supervisor
    entry = AuditEntry.objects.get(action="warning.published")
    assert entry.actor == supervisor and entry.target_id == str(draft.pk)


def test_the_warnings_page_and_feeds_list_published_warnings(warned, supervisor):
    _m, draft = warned
    other = svc.warning_draft(
        actor=supervisor, title="未发布的草稿", body="草稿", region_code="440106"
    )
    svc.warning_publish(warning=draft, actor=supervisor)
    client = Client()

    page = client.get("/warnings/").content.decode()
    assert draft.title in page and other.title not in page
    assert client.get(f"/warnings/{draft.pk}/").status_code == 200
    assert client.get(f"/warnings/{other.pk}/").status_code == 404

    rss = client.get("/warnings/feed/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    assert draft.title in rss.content.decode() and other.title not in rss.content.decode()
    atom = client.get("/warnings/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert draft.title in atom.content.decode()


def test_withdrawn_warnings_disappear(warned, supervisor):
    _m, draft = warned
    svc.warning_publish(warning=draft, actor=supervisor)
    svc.warning_withdraw(warning=draft, actor=supervisor, reason="商家已整改")
    assert draft.title not in Client().get("/warnings/").content.decode()
    assert AuditEntry.objects.filter(action="warning.withdrawn").count() == 1


def test_feeds_carry_a_warning_body_as_escaped_text(world, regulator, supervisor):
    draft = svc.warning_draft(
        actor=regulator, title="消费警示", body="<script>alert(1)</script>\n第二段",
        region_code=world["liwan"].region_code,
    )  # fmt: skip
    svc.warning_publish(warning=draft, actor=supervisor)
    for url in ("/warnings/feed/", "/warnings/atom/"):
        xml = Client().get(url).content.decode()
        # once for XML, once more for HTML: a reader that renders the HTML shows the text
        assert "&amp;lt;script&amp;gt;" in xml, url
        assert "&lt;script&gt;" not in xml.replace("&amp;lt;script&amp;gt;", ""), url


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "https:evil.example", "javascript:alert(1)"],
)
def test_the_claim_form_never_redirects_off_site(world, regulator, target):
    from tests.workspace.conftest import login as staff_login

    m = world["liwan"]
    response = staff_login(regulator).post(
        f"/admin/merchants/merchant/{m.pk}/claim/", {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/merchants/merchant/{m.pk}/change/"
