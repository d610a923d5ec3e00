"""Find stored files no row references and rows whose file is missing (every FileField).

manage.py scrub_orphan_files                 # report only (the default)
manage.py scrub_orphan_files --delete        # remove orphan files, clear optional references
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core.storage_scrub import scrub

SHOWN = 50


class Command(BaseCommand):
    help = "查找存储中没有记录引用的文件，以及文件已丢失的记录（默认只报告，不删除）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete",
            action="store_true",
            help="删除孤立文件，并清空可为空字段（预览图、导出文件等）对已丢失文件的引用",
        )
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="只处理早于该分钟数的文件（默认 60），以免误删正在提交中的文件",
        )

    def handle(self, *args, delete, min_age_minutes, **options):
        if min_age_minutes < 0:
            raise CommandError("--min-age-minutes 不能为负数。")
        report = scrub(delete=delete, min_age=datetime.timedelta(minutes=min_age_minutes))
        mode = "删除模式" if delete else "仅报告（未删除任何内容；加 --delete 才会删除）"
        self.stdout.write(
            f"{mode}：检查了 {report.files_seen} 个文件、{report.rows_seen} 条文件记录。"
        )
        if report.skipped_young:
            self.stdout.write(
                f"跳过 {report.skipped_young} 个 {min_age_minutes} 分钟内写入的文件。"
            )
        count = report.removed if delete else len(report.orphans)
        verb = "已删除" if delete else "可删除"
        self.stdout.write(
            f"孤立文件（没有记录引用）：{len(report.orphans)} 个，{verb} {count} 个。"
        )
        for name in report.orphans[:SHOWN]:
            self.stdout.write(f"  {name}")
        self.stdout.write(f"文件已丢失的记录：{len(report.missing)} 条。")
        for m in report.missing[:SHOWN]:
            state = (
                "（引用已清空）"
                if m.cleared
                else ("（必填字段，记录保留，请人工核查）" if delete else "")
            )
            self.stdout.write(f"  {m.model} #{m.pk} {m.field}：{m.name}{state}")
        if len(report.orphans) > SHOWN or len(report.missing) > SHOWN:
            self.stdout.write(f"（只列出前 {SHOWN} 项；完整数字已记入审计日志）")
