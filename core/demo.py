"""Demo data for ``make run``. Each app may add a ``demo.py`` whose ``load(report)`` answers
``core.signals.demo_data``; they are discovered like admin modules, so this core module names no
app."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.module_loading import autodiscover_modules

from core.roles import ensure_roles, set_user_regions
from core.signals import demo_data, gathered

DEMO_PASSWORD = "wsmonitor-demo"  # noqa: S105 - demo only; load_demo refuses without DEBUG
DEMO_USERS = [
    # username, role, regions, shown name
    ("demo-regulator", "Regulator", "440100", "演示监管员"),
    ("demo-supervisor", "Supervisor", "440000", "演示督导"),
    ("demo-auditor", "Auditor", "440000", "演示审计员"),
    ("demo-operator", None, "", "演示运维（超级用户）"),
]


def load_demo() -> list[str]:
    ensure_roles()
    User = get_user_model()
    report: list[str] = []

    for username, role, regions, shown in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "first_name": shown, "is_superuser": role is None},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
            set_user_regions(user, regions.split(","))
        report.append(f"{'created' if created else 'kept'} user {username} ({role or 'superuser'}"
                      f"{', ' + regions if regions else ''})")  # fmt: skip
    autodiscover_modules("demo")

    gathered(demo_data, robust=False, report=report)  # each app's demo.py answers
    report.append("")
    report.append("演示账号 Demo logins (http://127.0.0.1:8000/admin/):")
    for username, _role, _regions, shown in DEMO_USERS:
        report.append(f"  {shown}: {username} / {DEMO_PASSWORD}")
    report.append("消费者页面 Consumer pages: http://127.0.0.1:8000/")
    return report
