from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.api.scopes import SCOPES
from core.api.tokens import token_create
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an integrator API token and print its key once. 创建接口令牌。"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            metavar="SCOPE",
            help=f"one or more of: {', '.join(SCOPES)}",
        )
        parser.add_argument("--regions", nargs="*", default=[], metavar="CODE")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, name, scopes, regions, expires_in_days, **options):
        expiry = None
        if expires_in_days is not None:
            if expires_in_days <= 0:
                raise CommandError("--expires-in-days must be a positive number of days")
            expiry = timezone.now() + timedelta(days=expires_in_days)
        try:
            token, key = token_create(name=name, scopes=scopes, regions=regions, expiry=expiry)
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        self.stderr.write(
            f"token {token.name!r} created (prefix {token.prefix}); the key is shown only once:"
        )
        self.stdout.write(key)
