"""``manage.py staff_access USERNAME --role Regulator --regions 440100,440106 [--create]``:
give a staff account its role and jurisdiction without a shell (the user admin does the same
with its 辖区 inline). Audited."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_log
from core.regions import is_region_code, region_label
from core.roles import ROLES, set_user_regions, set_user_role, user_regions


class Command(BaseCommand):
    help = "Set a staff account's role and regions (GB/T 2260 codes)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES))
        parser.add_argument("--regions", help="comma-separated codes, e.g. 440100,440106")
        parser.add_argument(
            "--create", action="store_true", help="create the account (no usable password)"
        )

    def handle(self, *args, username, role, regions, create, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create:
                raise CommandError(f"no user {username!r} (use --create)")
            user = User.objects.create_user(username=username, password=None, is_staff=True)
        if regions is not None:
            codes = [c.strip() for c in regions.replace("，", ",").split(",") if c.strip()]
            bad = [c for c in codes if not is_region_code(c)]
            if bad:
                raise CommandError(f"not GB/T 2260 region codes: {', '.join(bad)}")
            set_user_regions(user, codes)
        if role:
            set_user_role(user, role)
        audit_log(
            "staff.access_set",
            actor_label="manage.py staff_access",
            target=user,
            data={"role": role or "", "regions": regions or ""},
        )
        groups = ", ".join(user.groups.values_list("name", flat=True)) or "-"
        shown = ", ".join(region_label(c) for c in user_regions(user)) or "-"
        self.stdout.write(f"{user.username}: roles {groups}; regions {shown}")
