from django.core.management.base import BaseCommand, CommandError

from core.api.tokens import token_revoke
from core.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an integrator API token by its prefix. 吊销接口令牌。"

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"no token with prefix {prefix!r}")
        token_revoke(token=token)
        self.stdout.write(self.style.SUCCESS(f"token {token.name!r} ({prefix}) revoked"))
