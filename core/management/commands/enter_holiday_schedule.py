"""manage.py enter_holiday_schedule 2027 --holiday 2027-01-01:2027-01-03 --workday 2027-01-04
--source "国办发明电〔2026〕N号" — or --file notice.txt with lines such as
``放假 2027-02-05:2027-02-12 春节``, ``上班 2027-02-07`` and ``文号 国办发明电〔2026〕N号``.
Audited; recomputes the open cases' deadlines."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ServiceError
from core.holidays import holiday_schedule_enter, parse_days


class Command(BaseCommand):
    help = (
        "录入某一年国务院办公厅公布的放假安排（放假日期和调休上班日期），并重新计算所有未办结案件的"
        "期限。Enter a year's official holiday schedule from the State Council's notice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", help="年份，例如 2027")
        parser.add_argument(
            "--holiday",
            action="append",
            default=[],
            metavar="日期或区间",
            help="放假日期，例如 2027-02-05:2027-02-12 春节（可重复）",
        )
        parser.add_argument(
            "--workday",
            action="append",
            default=[],
            metavar="日期",
            help="调休上班日期（周六或周日），例如 2027-02-07（可重复）",
        )
        parser.add_argument("--file", help="通知日期文件：每行“放假 …”或“上班 …”")
        parser.add_argument("--source", default="", help="通知文号，例如 国办发明电〔2026〕N号")
        parser.add_argument("--url", default="", help="通知网址")
        parser.add_argument("--replace", action="store_true", help="替换已录入的同年安排（更正）")

    def handle(self, *args, year, holiday, workday, file, source, url, replace, **options):
        try:
            year_number = int(year)
        except ValueError:
            raise CommandError(f"年份“{year}”不是数字，例如 2027") from None
        off_text, worked_text = "\n".join(holiday), "\n".join(workday)
        if file:
            try:
                text = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"无法读取文件 {file}：{exc}") from None
            for number, line in enumerate(text.splitlines(), 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                kind, _sep, rest = line.partition(" ")
                if kind in ("放假", "holiday"):
                    off_text += "\n" + rest
                elif kind in ("上班", "调休上班", "workday"):
                    worked_text += "\n" + rest
                elif kind in ("文号", "source") and not source:
                    source = rest.strip()
                elif kind in ("网址", "url") and not url:
                    url = rest.strip()
                else:
                    raise CommandError(
                        f"{file} 第{number}行：应以“放假”“上班”“文号”或“网址”开头：{line}"
                    )
        try:
            result = holiday_schedule_enter(
                year=year_number,
                days_off=parse_days(off_text, what="放假日期"),
                days_worked=parse_days(worked_text, what="调休上班日期"),
                source=source,
                source_url=url,
                actor_label=f"manage.py enter_holiday_schedule ({_user()})",
                replace=replace,
            )
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"注意：{warning}"))
        self.stdout.write(self.style.SUCCESS(result.summary()))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover
        return "?"
