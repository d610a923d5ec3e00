import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from merchants.api import PostInSerializer
from merchants.posts import posts_ingest

BATCH = 500


class Command(BaseCommand):
    help = (
        "Import posts from a JSON Lines file (one object per line, the same shape as "
        "POST /api/v1/posts/). Bad lines are reported with their line numbers and skipped; "
        "the rest are imported. 导入监测内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a .jsonl file, or - for standard input")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, no_progress, **options):
        try:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot open {file}: {exc.strerror}") from None
        counts = {"created": 0, "revised": 0, "unchanged": 0, "bad": 0}
        batch = []
        with stream:
            lines = (
                stream
                if file == "-"
                else tqdm(stream, unit=" lines", disable=no_progress, file=sys.stderr)
            )
            for lineno, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                problem, item = self._parse(line)
                if problem:
                    counts["bad"] += 1
                    self.stderr.write(f"line {lineno}: {problem}")
                    continue
                batch.append(item)
                if len(batch) >= BATCH:
                    self._flush(batch, counts)
        self._flush(batch, counts)
        self.stdout.write(
            "imported: {created} new, {revised} revised, {unchanged} unchanged; "
            "{bad} bad line(s) skipped".format(**counts)
        )
        if counts["bad"] and not (counts["created"] or counts["revised"] or counts["unchanged"]):
            raise CommandError("no line could be imported")

    def _parse(self, line: str):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            return f"not valid JSON ({exc.msg} at column {exc.colno})", None
        if not isinstance(data, dict):
            return "expected a JSON object", None
        serializer = PostInSerializer(data=data)
        if not serializer.is_valid():
            parts = []
            for field, errors in serializer.errors.items():
                if isinstance(errors, dict):
                    errors = [f"{k}: {' '.join(map(str, v))}" for k, v in errors.items()]
                parts.append(f"{field}: {' '.join(map(str, errors))}")
            return "; ".join(parts), None
        return None, serializer.to_input()

    def _flush(self, batch: list, counts: dict) -> None:
        if not batch:
            return
        for result in posts_ingest(items=batch, submitted_by="import_posts"):
            counts[result.status] += 1
        batch.clear()
