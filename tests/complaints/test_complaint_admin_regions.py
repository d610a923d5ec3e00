"""A case outside a regulator's regions is answered exactly as an id that does not exist
(docs/complaints.md): the same admin redirect for its change and history pages."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["change", "history"])
def test_an_out_of_region_case_looks_like_a_missing_one(client, submit, outsider, page):
    case, _code = submit()  # filed in the intake region, 440100
    client.force_login(outsider)  # a 310000 regulator
    foreign = client.get(f"/admin/complaints/case/{case.pk}/{page}/")
    missing = client.get(f"/admin/complaints/case/{case.pk + 1000}/{page}/")
    assert foreign.status_code == missing.status_code
    assert foreign.get("Location") == missing.get("Location")
    assert case.tracking_number not in foreign.content.decode()
