"""System check: pg_trgm needs a database whose LC_CTYPE knows Chinese characters.

Under ``LC_CTYPE=C`` pg_trgm treats every Chinese character as a separator and drops it:
``show_trgm('高仿LV包包')`` keeps only the trigrams of "lv", and any two Chinese texts look
identical to the near-duplicate search (``merchants.near_duplicates``). Runs with the database
checks (``manage.py migrate``, ``manage.py check --database default``)."""

from django.core import checks
from django.db import connections

CHECK_ID = "merchants.W001"


def trigram_locale_problem(connection) -> str | None:
    """Why near-identical Chinese texts cannot be found on this PostgreSQL connection, or
    None. Tries pg_trgm itself when it is installed, else reads the database's LC_CTYPE."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ctype = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            cursor.execute("SELECT show_trgm('中文')")
            if cursor.fetchone()[0]:
                return None
        elif "utf8" in ctype.lower().replace("-", ""):  # C.UTF-8, en_US.utf8, zh_CN.UTF-8
            return None
    return ctype


@checks.register(checks.Tags.database)
def trigram_locale_check(app_configs=None, databases=None, **kwargs):
    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        ctype = trigram_locale_problem(connection)
        if ctype is None:
            continue
        problems.append(
            checks.Warning(
                f"数据库“{alias}”的 LC_CTYPE 为 {ctype}：pg_trgm 会丢弃所有中文字符，任意两段中文"
                "都会被当作相同，近似内容检测（刷屏）已停用。"
                f" / Database '{alias}' has LC_CTYPE {ctype}: pg_trgm drops every Chinese "
                "character, so any two Chinese texts would look equal; near-duplicate text "
                "search is off.",
                hint="用 UTF-8 的 LC_CTYPE 重建数据库，例如 CREATE DATABASE … LC_CTYPE 'C.UTF-8' "
                "TEMPLATE template0。 / Recreate the database with a UTF-8 LC_CTYPE, e.g. "
                "CREATE DATABASE … LC_CTYPE 'C.UTF-8' TEMPLATE template0.",
                id=CHECK_ID,
            )
        )
    return problems
