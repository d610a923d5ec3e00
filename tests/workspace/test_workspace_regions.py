"""Jurisdiction: a 广州市 (440100) regulator sees 4401xx only, a 广东省 (440000) supervisor all of
44xxxx, a 上海市 (310000) regulator none of them — through admin lists, guessed detail URLs (404,
never 403), exports and the API."""

import csv
import io

import pytest

from merchants.exports import export_request
from merchants.models import EnforcementAction, ExportJob, Finding, Merchant, Post
from tests.workspace.conftest import login

GZ = {"liwan", "tianhe"}
GD = {"liwan", "tianhe", "nanshan"}
SH = {"huangpu"}  # 上海: none of the 44xxxx merchants
ALL = {"liwan", "tianhe", "nanshan", "huangpu"}

LISTS = [
    "/admin/merchants/reviewqueueentry/",
    "/admin/merchants/merchant/",
]


def _names(world, keys):
    return {world[k].display_name for k in keys}


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("persona", "visible"),
    [("regulator", GZ), ("supervisor", GD), ("outsider", SH)],
)
def test_it_limits_admin_lists_to_the_users_regions(request, world, url, persona, visible):
    user = request.getfixturevalue(persona)
    response = login(user).get(url)

    assert response.status_code == 200
    body = response.content.decode()
    for key in ALL:
        assert (world[key].display_name in body) is (key in visible), (persona, key)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("regulator", GZ), ("supervisor", GD), ("outsider", SH)],
)
def test_it_answers_404_for_guessed_ids_outside_the_region(request, world, persona, visible):
    user = request.getfixturevalue(persona)
    client = login(user)
    for key in ALL:
        m = world[key]
        post = Post.objects.filter(merchant=m).first()
        finding = Finding.objects.filter(post=post).first()
        urls = [
            f"/admin/merchants/merchant/{m.pk}/change/",
            f"/admin/merchants/reviewqueueentry/{m.pk}/change/",
            f"/admin/merchants/post/{post.pk}/change/",
            f"/admin/merchants/finding/{finding.pk}/change/",
            f"/admin/merchants/merchant/{m.pk}/history/",
        ]
        for url in urls:
            status = client.get(url).status_code
            if key in visible:
                assert status in (200, 302), (persona, url, status)
            else:
                assert status == 404, (persona, url, status)


def test_it_refuses_actions_on_a_merchant_outside_the_region_with_404(world, outsider):
    m = world["liwan"]
    finding = Finding.objects.filter(post__merchant=m).first()
    client = login(outsider)

    posts = [
        (f"/admin/merchants/merchant/{m.pk}/claim/", {}),
        (
            f"/admin/merchants/merchant/{m.pk}/findings/{finding.pk}/review/",
            {"decision": "dismissed", "reason_code": "not_a_claim"},
        ),
        (f"/admin/merchants/merchant/{m.pk}/act/warning/", {"reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url

    finding.refresh_from_db()
    assert finding.review == "open"
    assert not EnforcementAction.objects.exists()
    assert Merchant.objects.get(pk=m.pk).status == "active"


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("regulator", GZ), ("supervisor", GD), ("outsider", SH)],
)
def test_it_limits_findings_lists_and_the_api(request, world, persona, visible):
    user = request.getfixturevalue(persona)
    client = login(user)

    admin_list = client.get("/admin/merchants/finding/?all=").content.decode()
    api = client.get("/api/v1/findings/?page_size=200")
    assert api.status_code == 200
    api_merchants = {
        row["merchant"] if "merchant" in row else None for row in api.json()["results"]
    }

    for key in ALL:
        m = world[key]
        finding_ids = list(Finding.objects.filter(post__merchant=m).values_list("pk", flat=True))
        in_api = any(row["id"] in finding_ids for row in api.json()["results"])
        assert in_api is (key in visible), (persona, key)
        detail = client.get(f"/api/v1/merchants/{m.pk}/")
        assert detail.status_code == (200 if key in visible else 404)
        lookup = client.get("/api/v1/merchants/", {"handle": m.accounts.first().handle})
        assert lookup.status_code == 200
        assert bool(lookup.json()) is (key in visible)
    assert api_merchants is not None and admin_list


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("regulator", GZ), ("supervisor", GD), ("outsider", SH)],
)
def test_it_limits_exports_even_for_guessed_ids(
    request, world, persona, visible, django_capture_on_commit_callbacks
):
    """The job re-applies the requester's regions when it runs: ids outside them export
    nothing, even if someone crafted the selection."""
    user = request.getfixturevalue(persona)
    all_ids = [m.pk for m in world.values()]
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(kind="merchants", fmt="csv", ids=all_ids, actor=user)

    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    with job.file.open("rb") as fh:
        rows = list(csv.reader(io.StringIO(fh.read().decode("utf-8-sig"))))
    names = {row[1] for row in rows[1:]}
    assert names == _names(world, visible)
    assert job.total == len(visible)


def test_a_complaint_outside_the_region_is_not_on_the_merchant_page(
    world, regulator, outsider, django_capture_on_commit_callbacks
):
    """Complaints come through the provider, which applies the viewer's regions too."""
    from complaints.defaults import seed
    from complaints.models import Case, DeadlineRule, RefusalGround
    from complaints.services import case_submit

    seed(DeadlineRule, RefusalGround)
    with django_capture_on_commit_callbacks(execute=True):
        case_submit(
            data={
                "kind": "complaint",
                "merchant_wechat_id": "liwan_daigou",
                "merchant_name": "liwan",
                "description": "买到高仿包，商家拒绝退款。",
                "demand": "退款",
                "name": "张三",
                "phone": "13812345678",
                "address": "广东省广州市荔湾区1号",
                "consent": True,
            },
            files=[],
        )
    case = Case.objects.get()
    assert case.merchant_id == world["liwan"].pk
    assert case.region_code.startswith("4401")

    page = login(regulator).get(f"/admin/merchants/merchant/{world['liwan'].pk}/change/")
    assert case.tracking_number in page.content.decode()
    assert "13812345678" not in page.content.decode()
    assert login(outsider).get(f"/admin/complaints/case/{case.pk}/change/").status_code == 404


def test_the_findings_list_names_categories_and_laws_not_codes(world, regulator):
    html = login(regulator).get("/admin/merchants/finding/?all=").content.decode()
    body = html.split('id="result_list"', 1)[1]
    assert "假冒伪劣" in body
    assert ">counterfeit<" not in body and ">false_ad<" not in body
    assert "counterfeit.replica" not in body
