"""Operable in production: roles exist after migrate with their permissions, regions and roles
are set in the user admin and by a command, a log-writing mail backend is refused outside
DEBUG, and public submitters' addresses are kept only as a keyed hash."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from core.audit import audit_log, ip_pseudonym
from core.checks import email_backend_check
from core.roles import user_regions

pytestmark = pytest.mark.django_db


def test_the_roles_exist_after_migrate_with_their_permissions():
    """The test database is built by ``migrate``: no demo loader, no ensure_roles call."""
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Regulator", "Supervisor", "Integrator", "Auditor"} <= names
    supervisor = Group.objects.get(name="Supervisor").permissions
    assert supervisor.filter(codename="change_lexiconrule", content_type__app_label="lexicon")
    regulator = Group.objects.get(name="Regulator").permissions
    assert regulator.filter(codename="handle_case").exists()
    assert not regulator.filter(codename="change_lexiconrule").exists()


def test_the_lexicon_editor_role_can_open_the_lexicon(client):
    user = get_user_model().objects.create_user("sup", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Supervisor"))
    client.force_login(user)
    assert client.get("/admin/lexicon/lexiconrule/").status_code == 200
    assert client.get("/admin/lexicon/lexiconrule/add/").status_code == 200


def test_the_staff_access_command_sets_role_and_regions(capsys):
    call_command("staff_access", "li.si", "--create", "--role", "Regulator",
                 "--regions", "440100,440106")  # fmt: skip
    user = get_user_model().objects.get(username="li.si")
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["Regulator"]
    assert user_regions(user) == ["440100", "440106"]
    assert "广州市天河区" in capsys.readouterr().out
    call_command("staff_access", "li.si", "--role", "Supervisor")
    assert list(user.groups.values_list("name", flat=True)) == ["Supervisor"]
    with pytest.raises(CommandError):
        call_command("staff_access", "li.si", "--regions", "999999")


def test_regions_are_set_in_the_user_admin(client):
    admin_user = get_user_model().objects.create_superuser("root", password="x")
    staff = get_user_model().objects.create_user("wang", password="x", is_staff=True)
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/user/{staff.pk}/change/").content.decode()
    assert "辖区" in page and "staff_profile-0-regions" in page
    form = {
        "username": "wang",
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-12-01",
        "date_joined_1": "10:00:00",
        "groups": [Group.objects.get(name="Regulator").pk],
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-regions": "440100，440106",
        "staff_profile-0-user": staff.pk,
    }
    response = client.post(f"/admin/auth/user/{staff.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff.refresh_from_db()
    assert user_regions(staff) == ["440100", "440106"]
    form["staff_profile-INITIAL_FORMS"] = "1"
    form["staff_profile-0-regions"] = "44AB00"
    assert (
        "不是有效的行政区划代码"
        in client.post(f"/admin/auth/user/{staff.pk}/change/", form).content.decode()
    )


@pytest.mark.parametrize(
    "backend, debug, refused",
    [
        ("django.core.mail.backends.console.EmailBackend", False, True),
        ("django.core.mail.backends.filebased.EmailBackend", False, True),
        ("django.core.mail.backends.smtp.EmailBackend", False, False),
        ("django.core.mail.backends.console.EmailBackend", True, False),
    ],
)
def test_a_log_writing_mail_backend_is_refused_outside_debug(settings, backend, debug, refused):
    settings.EMAIL_BACKEND, settings.DEBUG = backend, debug
    errors = email_backend_check()
    assert [e.id for e in errors] == (["wsmonitor.E020"] if refused else [])


def test_a_public_submitters_address_is_kept_only_as_a_keyed_hash(settings):
    settings.AUDIT_IP_KEY = "k1"
    public = audit_log("complaint.submitted", ip="203.0.113.9", data={"kind": "report"})
    assert public.ip is None
    assert public.data == {"kind": "report", "ip_hash": ip_pseudonym("203.0.113.9")}
    assert "203.0.113.9" not in str(public.data)
    staff = get_user_model().objects.create_user("reg", password="x", is_staff=True)
    own = audit_log("complaint.accepted", actor=staff, ip="198.51.100.7")
    assert own.ip == "198.51.100.7"  # staff actions keep the address for the record
    settings.AUDIT_IP_KEY = "k2"
    assert ip_pseudonym("203.0.113.9") != public.data["ip_hash"]


def test_the_403_page_is_in_chinese(client):
    user = get_user_model().objects.create_user("nobody", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Regulator"))
    client.force_login(user)
    response = client.get("/admin/wsmonitor/auditentry/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in html and "Forbidden" not in html
