"""Demo data for ``make run``. Each app may add a ``demo.py`` with ``load(report)``; they are
discovered like admin modules, so this core module names no app."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.module_loading import autodiscover_modules

from wsmonitor.roles import ensure_roles

DEMO_PASSWORD = "wsmonitor-demo"  # noqa: S105 - demo only; load_demo refuses without DEBUG
DEMO_USERS = [
    # username, role, regions
    ("demo-regulator", "Regulator", "440100"),
    ("demo-supervisor", "Supervisor", "440000"),
]


def load_demo() -> list[str]:
    ensure_roles()
    User = get_user_model()
    report: list[str] = []
    for username, role, regions in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "first_name": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        from wsmonitor.roles import set_user_regions

        set_user_regions(user, regions.split(","))
        report.append(f"{'created' if created else 'kept'} user {username} ({role}, {regions})")
    autodiscover_modules("demo")
    from wsmonitor import demo_registry

    for loader in demo_registry.loaders:
        loader(report)
    report.append("")
    report.append(f"演示监管员登录 Demo regulator login: demo-regulator / {DEMO_PASSWORD}")
    report.append("  http://127.0.0.1:8000/admin/")
    return report
