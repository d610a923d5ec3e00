from django.core.management.base import BaseCommand, CommandError

from core.errors import ServiceError
from lexicon.services import lexicon_import


class Command(BaseCommand):
    help = "Replace the lexicon with files in the shipped format; makes a new version. 导入词库。"

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--note", default="")

    def handle(self, *args, directory, note, **options):
        try:
            version = lexicon_import(path=directory, actor=None, note=note)
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(f"lexicon v{version.number} active ({version.rule_count} rules)")
