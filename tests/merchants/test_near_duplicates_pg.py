"""Near-duplicates on PostgreSQL itself: the GIN trigram index, pg_trgm's similarity against the
Python fallback, bit_count Hamming distances on signed bigints, and the system check that a
database under LC_CTYPE=C cannot see Chinese characters (a real database created that way)."""

import random
import uuid

import pytest
from django.db import connection, connections

from merchants.checks import CHECK_ID, trigram_locale_check, trigram_locale_problem
from merchants.near_duplicates import hamming, normalize_text, similarity

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]

TEXTS = [
    "正品LV新款老花手袋，原厂皮料五金，支持验货，加微信 lv_aa88 下单，今天特价299元包邮",
    "正品LV新款老花手袋，原厂皮料五金，支持验货，加薇信 lv_cc 下单，今天特价288元包邮😀",
    "今天到了一批新鲜水果，苹果香蕉橙子都有，欢迎街坊邻居来店里选购",
    "Gucci GG Marmont 小号 ¥399 私聊",
    "高仿LV包包，一比一复刻",
]


def test_the_text_column_has_a_gin_trigram_index_the_planner_uses():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'posttext_trgm_idx'")
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition
        assert "fastupdate=off" in definition  # no pending list read on each search
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT post_id FROM merchants_posttext WHERE text %% %s", ["高仿包包一比一"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "posttext_trgm_idx" in plan


def test_pg_trgm_similarity_equals_the_python_fallback():
    texts = [normalize_text(t) for t in TEXTS]
    with connection.cursor() as cursor:
        for a in texts:
            for b in texts:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6), (a, b)


def test_bit_count_of_the_xor_is_the_hamming_distance_of_signed_bigints():
    rng = random.Random(5)
    pairs = [(rng.getrandbits(64) - (1 << 63), rng.getrandbits(64) - (1 << 63)) for _ in range(50)]
    pairs += [(-1, 0), (-(1 << 63), (1 << 63) - 1), (5, 5)]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT bit_count(((%s)::bigint # (%s)::bigint)::bit(64))", [a, b])
            assert cursor.fetchone()[0] == hamming(a, b)


def test_the_test_database_passes_the_locale_check():
    assert trigram_locale_problem(connection) is None
    assert trigram_locale_check(databases=["default"]) == []


@pytest.fixture
def fresh_db():
    """Real databases created with a given LC_CTYPE (with or without pg_trgm), each as a second
    connection under its own alias; dropped afterwards."""
    made = []

    def make(ctype: str, trigram: bool):
        name = f"ws_links_probe_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE {name} LC_CTYPE '{ctype}' LC_COLLATE '{ctype}' TEMPLATE template0"
            )
        default = connections["default"]
        alias = f"probe{len(made)}"
        wrapper = default.__class__({**default.settings_dict, "NAME": name}, alias=alias)
        connections[alias] = wrapper
        made.append((alias, name, wrapper))
        if trigram:
            with wrapper.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return alias, wrapper

    yield make
    for alias, name, wrapper in made:
        wrapper.close()
        del connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")


@pytest.mark.django_db(transaction=True)
def test_a_c_locale_database_drops_chinese_and_the_check_warns_in_chinese(fresh_db):
    alias, c_locale_db = fresh_db("C", trigram=True)
    with c_locale_db.cursor() as cursor:
        cursor.execute("SELECT show_trgm('高仿LV包包，一比一复刻')")
        assert sorted(cursor.fetchone()[0]) == ["  l", " lv", "lv "]  # every hanzi gone
        cursor.execute("SELECT similarity('高仿包包一比一', '今天到了新鲜水果')")
        assert cursor.fetchone()[0] == 0  # nothing left to compare (or 1.0 with the Latin)
    assert trigram_locale_problem(c_locale_db) == "C"
    [warning] = trigram_locale_check(databases=[alias])
    assert warning.id == CHECK_ID
    assert "LC_CTYPE 为 C" in warning.msg and "pg_trgm 会丢弃所有中文字符" in warning.msg
    assert "drops every Chinese character" in warning.msg
    assert "C.UTF-8" in warning.hint


@pytest.mark.django_db(transaction=True)
def test_before_the_extension_exists_the_check_reads_the_locale(fresh_db):
    """As ``migrate`` runs it on a new database: no pg_trgm yet, so LC_CTYPE decides."""
    utf8, _ = fresh_db("C.UTF-8", trigram=False)
    c, _ = fresh_db("C", trigram=False)
    assert trigram_locale_check(databases=[utf8]) == []
    assert [w.id for w in trigram_locale_check(databases=[c])] == [CHECK_ID]
