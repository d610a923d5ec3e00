from django.core.management.base import BaseCommand, CommandError

from lexicon.models import LexiconVersion
from lexicon.services import lexicon_active_version, lexicon_export


class Command(BaseCommand):
    help = "Write a lexicon version as files in the shipped format. 导出词库。"

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--lexicon-version", type=int, default=None, help="default: the active one"
        )

    def handle(self, *args, directory, lexicon_version, **options):
        version = lexicon_version
        if version is None:
            found = lexicon_active_version()
        else:
            found = LexiconVersion.objects.filter(number=version).first()
        if found is None:
            raise CommandError(f"no lexicon version {version}")
        path = lexicon_export(path=directory, version=found)
        self.stdout.write(f"lexicon v{found.number} ({found.rule_count} rules) written to {path}")
