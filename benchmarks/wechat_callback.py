"""Time the WeChat callback spends per message, against WeChat's 5 s.

    .venv/bin/python benchmarks/wechat_callback.py                 # fresh SQLite database
    .venv/bin/python benchmarks/wechat_callback.py --count 50 \
        --database-url postgres://postgres@127.0.0.1:5432/ws_wechat_bench

Migrates a fresh database, then posts ``--count`` safe-mode (AES) messages of each type (text,
link, image) from distinct senders through Django's test client — signature and timestamp
check, decryption, verbatim storage, filing the draft 举报 through the complaints intake, the
encrypted reply — and prints p50/p95/max of the answer per type. The follow-up work (merchant
linking, the category scan, the image download) goes to an in-memory broker that no worker
reads, as in production where workers are other processes; ``--inline`` runs it in this
process instead (the newcomer setup without a broker), where it competes with the answers for
the CPU. Loopback only; no network.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="messages per type (≤ 500)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--inline", action="store_true", help="follow-ups in this process")
    args = parser.parse_args()
    count = max(1, min(args.count, 500))
    tmp = tempfile.mkdtemp(prefix="wechat-bench-")
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/db.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    if not args.inline:
        os.environ["CELERY_BROKER_URL"] = "memory://"
    from tests.wechat.conftest import (  # the simulator and fake API of the tests
        APP_ID,
        APP_SECRET,
        TOKEN,
        FakeWeChatApi,
        WeChatSide,
        encoding_aes_key,
        png_bytes,
    )

    api = FakeWeChatApi()
    aes_key = encoding_aes_key()
    os.environ.update(
        WECHAT_APP_ID=APP_ID,
        WECHAT_APP_SECRET=APP_SECRET,
        WECHAT_TOKEN=TOKEN,
        WECHAT_ENCODING_AES_KEY=aes_key,
        WECHAT_API_BASE=api.base,
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    if args.database_url:
        from complaints.defaults import seed
        from complaints.models import DeadlineRule, RefusalGround

        call_command("flush", interactive=False, verbosity=0)
        seed(DeadlineRule, RefusalGround)  # the deadline rules the intake needs
    side = WeChatSide(Client(HTTP_HOST="127.0.0.1"), aes_key=aes_key)
    fields = {
        "text": lambda i: {"content": f"微商卖假货，微信号 fake_{i}，说是专柜正品"},
        "link": lambda i: {
            "title": f"正品LV包包一比一复刻，集满{i}个赞免费送",
            "description": "转发朋友圈集赞，免费领取名牌包",
            "url": f"https://mp.weixin.qq.com/s/bench{i}",
        },
        "image": lambda i: {"media_id": f"MEDIA_{i}"},
    }
    for i in range(count):
        api.media[f"MEDIA_{i}"] = png_bytes((i % 250, 10, 10))
    print(
        f"{count} safe-mode messages per type, {os.environ['DATABASE_URL'].split(':')[0]}, "
        f"follow-ups {'in this process' if args.inline else 'to a broker'}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for kind, make in fields.items():
        times = []
        for i in range(count):
            xml = side.message(kind, openid=f"oBench-{kind}-{i}", **make(i))
            started = time.perf_counter()
            response = side.post_aes(xml)
            times.append((time.perf_counter() - started) * 1000)
            reply = side.read_aes_reply(response)  # decrypted and verified as WeChat would
            assert "举报编号：WS-" in reply["Content"], reply["Content"]
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{kind:5}  p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"max {times[-1]:6.1f} ms"
        )
    time.sleep(2)  # let the in-process follow-ups finish
    api.close()


if __name__ == "__main__":
    main()
