"""Complaint intake under load: N concurrent submissions through the public form, none lost.

    .venv/bin/python benchmarks/complaint_load.py                    # own server, SQLite
    .venv/bin/python benchmarks/complaint_load.py --database-url postgres://postgres@127.0.0.1:5432/wsm_load
    .venv/bin/python benchmarks/complaint_load.py --url http://127.0.0.1:8000 --no-verify

Without ``--url`` it migrates a fresh database, starts ``manage.py runserver`` on a free
127.0.0.1 port with the complaint rate limits raised through their environment variables
(COMPLAINTS_SUBMIT_PER_IP_HOUR, COMPLAINTS_SUBMIT_PER_PHONE_DAY), fetches one form per simulated
phone, then fires every submission at once (a PNG and a chat export each). It then checks in
the database that every receipt's tracking number has its row and both evidence files with the
SHA-256 of the bytes sent, and prints throughput and p50/p95 latency. Loopback only; bounded in
count (≤1000), concurrency (≤200) and time.

``--compare 0,10000,100000`` measures the public form against a bare Django view instead, in one
run: for each number of cases already stored (loaded directly, with their duplicate-check index
rows), the form of a fresh database served by gunicorn (``gunicorn.conf.py``, ``--workers``
synchronous workers, DEBUG off, the newcomer default: SQLite, tasks in-process) and then
``benchmarks/bare_intake.py`` (stores the file and one row) under the same load:
``--concurrency`` clients (10) each submitting one after the other, ``--count`` submissions, a
PNG of ``--png-bytes`` (1 MiB). Each consumer fetches the form once for its CSRF token; every
submission is then one request (the receipt is the answer), as for the bare view. Both are
checked afterwards: every receipt has its row and the file's bytes are identical. For the form
it also waits until every follow-up (merchant link, category, duplicates, preview) has
completed, and says how long after the last receipt that was. It prints the CPU each used per
submission: the server's processes (and, with a broker, the Celery worker's), and this client.

``--database-url postgres://…/NAME`` serves the form from PostgreSQL instead (the database is
dropped and created again at each figure), ``--broker-url redis://…/N`` sends the follow-ups to
one Celery worker the script starts (at ``--worker-nice``, 10: on the web's own cores intake
comes first, as the in-process follow-up thread does at nice 19), ``--cache-url redis://…/M``
is the shared cache; the bare view is measured on SQLite and, in that setup, on PostgreSQL too
(its own ``<name>_bare`` database); the servers and the worker keep their connections
(``--conn-max-age``, 60 s, as ``docs/configuration.md`` advises under gunicorn). ``--no-ocr``
turns image reading off (``OCR_ENABLED=0``); with it on (the default) the script reports the
reads still pending after each figure: without a broker the web process never reads,
``--read-images`` then runs ``manage.py images_read_pending`` and times it; with a broker
``--ocr-worker`` starts an ``ocr`` worker (nice 10) beside the run. ``--ocr-both`` measures the
form twice at each figure, OCR off and then on, each on a fresh database and server against the
same bare view, and prints the ratios of on to off; ``--evidence screenshot`` attaches the
generated screenshot of a counterfeit offer with two QR codes (``tests/imaging/images.py``,
Debian's fonts-wqy-zenhei) instead of noise, so each read is a real one (each copy differs by a
PNG text chunk, so no read is reused).

``--profile N`` (with ``--no-ocr``, ``--stored``, ``--database-url``, ``--broker-url``,
``--cache-url``) files N complaints in one process through Django's test client instead, DEBUG
off, and prints the CPU of each part per submission (the POST with its receipt, the follow-up
work and the OCR read, the last two run on the main thread to be timed on their own), the
statements of the last submission and cProfile's top ``--top`` lines of each part
(``PROFILE_DUMP_DIR=DIR`` also writes each part's profile there, for pstats).
"""

import argparse
import concurrent.futures
import hashlib
import http.cookiejar
import ipaddress
import os
import re
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def tiny_png(seed: int) -> bytes:
    """A distinct 64×64 PNG per submission (no Pillow needed in the client)."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(
        b"\x00" + bytes((seed * 7 + x + y) % 256 for x in range(64 * 3)) for y in range(64)
    )
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def multipart(
    fields: dict[str, str], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + f"{value}\r\n".encode()
        )
    for name, filename, data, ctype in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Phone:
    """One simulated consumer: its own cookies (CSRF and session)."""

    def __init__(self, base: str, index: int):
        self.base = base
        self.index = index
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.png = tiny_png(index)
        self.chat = f"2026-11-0{index % 9 + 1} 商家：包邮正品\n第{index}条聊天记录\n".encode()
        self.token = ""

    def prepare(self, timeout: float) -> None:
        html = self.opener.open(f"{self.base}/complaints/new/", timeout=timeout).read().decode()
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def submit(self, timeout: float) -> tuple[float, str, str]:
        fields = {
            "csrfmiddlewaretoken": self.token,
            "kind": "complaint",
            "merchant_wechat_id": f"load_shop_{self.index % 37}",
            "description": f"第{self.index}号压力测试：朋友圈购买的商品与宣传不符，商家拒绝退款。",
            "demand": "退款",
            "amount_paid": "99.00",
            "occurred_on": "2026-11-01",
            "name": "测试用户",
            "phone": f"139{self.index:08d}",
            "address": "广东省广州市天河区测试路1号",
            "consent": "on",
            "website": "",
        }
        body, ctype = multipart(
            fields,
            [
                ("evidence", "screenshot.png", self.png, "image/png"),
                ("evidence", "chat.txt", self.chat, "text/plain"),
            ],
        )
        request = urllib.request.Request(  # noqa: S310 (http on loopback only)
            f"{self.base}/complaints/new/",
            data=body,
            headers={"Content-Type": ctype, "Referer": f"{self.base}/complaints/new/"},
        )
        started = time.perf_counter()
        response = self.opener.open(request, timeout=timeout)  # follows the redirect to receipt
        html = response.read().decode()
        elapsed = time.perf_counter() - started
        match = re.search(r"data-tracking-number>([^<]+)<", html)
        if not match:
            raise RuntimeError(f"no tracking number in the answer (HTTP {response.status})")
        return elapsed, match.group(1).strip(), response.geturl()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_loopback(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        sys.exit("--url must be an http(s) URL")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        sys.exit(f"cannot resolve {host!r}")
    if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refusing to load-test {host!r}: loopback addresses only")


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, __file__, "--serve", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).read()  # noqa: S310
            return server, base
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    server.terminate()
    sys.exit("the server did not start")


def serve(port: int) -> None:
    """Django's threaded development server with a listen backlog deep enough for a burst of
    200 connections (``runserver`` keeps the socketserver default and resets the excess)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.servers.basehttp import WSGIServer, get_internal_wsgi_application, run
    from django.db import connections

    handlers = threading.BoundedSemaphore(int(os.environ.get("LOAD_SERVER_THREADS", "32")))

    class DeepBacklogServer(socketserver.ThreadingMixIn, WSGIServer):
        """At most LOAD_SERVER_THREADS requests are handled at once (like a gunicorn worker
        pool, and below PostgreSQL's max_connections); the rest wait their turn."""

        request_queue_size = 1024
        daemon_threads = True

        def process_request_thread(self, request, client_address):
            with handlers:
                try:
                    super().process_request_thread(request, client_address)
                finally:
                    connections.close_all()

    run("127.0.0.1", port, get_internal_wsgi_application(), threading=False,
        server_cls=DeepBacklogServer)  # fmt: skip


def verify(env: dict, expected: dict[str, tuple[str, str]]) -> list[str]:
    """Every tracking number has its row and both files, byte-identical."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from complaints.models import Case

    problems = []
    cases = {c.tracking_number: c for c in Case.objects.filter(tracking_number__in=expected)}
    for number, hashes in expected.items():
        case = cases.get(number)
        if case is None:
            problems.append(f"{number}: no row")
            continue
        stored = sorted(case.evidence.values_list("sha256", flat=True))
        if stored != sorted(hashes):
            problems.append(f"{number}: evidence {stored} != {sorted(hashes)}")
            continue
        for evidence in case.evidence.all():
            with evidence.file.open("rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() != evidence.sha256:
                    problems.append(f"{number}: file bytes differ from the stored SHA-256")
    return problems


# --- Form against a bare Django view ------------------------------------------------------------

PHRASES = [
    "在朋友圈看到广告",
    "微商说是专柜正品",
    "收到的货和图片不一样",
    "包装上没有厂名厂址",
    "用了三天皮肤过敏",
    "商家把我拉黑了",
    "付款后一直不发货",
    "客服说七天无理由不适用",
    "宣传说三天见效",
    "集赞送的礼品没有兑现",
    "要求退款被拒绝",
    "转账给了个人账户",
    "快递单号查不到",
    "说是海外代购",
    "价格比实体店便宜很多",
    "群里很多人都买了",
    "保质期已经过了",
    "说明书全是外文",
    "商家让我再付运费",
    "视频号直播间下单",
    "小程序里的店铺关了",
    "一比一复刻的包",
    "手表走了两天就停",
    "奶粉罐子有破损",
]


def complaint_text(rng) -> str:
    return "，".join(rng.sample(PHRASES, rng.randint(3, 6))) + f"。订单{rng.randint(10**6, 10**7)}"


def png_base(size: int) -> tuple[bytes, bytes]:
    """A valid PNG of about ``size`` bytes (noise, stored uncompressed) split before IEND, so a
    text chunk can make each copy distinct cheaply."""
    import random
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    side = max(8, int((size / 3) ** 0.5))
    rng = random.Random(7)
    rows = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))
    head = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 0))
    )
    return head, chunk(b"IEND", b"")


def png_copy(base: tuple[bytes, bytes], seed: int) -> bytes:
    import struct

    data = b"Comment\x00" + str(seed).encode()
    text = struct.pack(">I", len(data)) + b"tEXt" + data
    text += struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return base[0] + text + base[1]


def form_body(csrf: str, png: bytes, index: int, rng) -> tuple[bytes, str]:
    """The multipart body of one complaint through the form, with ``png`` as its evidence."""
    fields = {
        "csrfmiddlewaretoken": csrf,
        "kind": "complaint",
        "merchant_wechat_id": f"load_shop_{index % 37}",
        "description": complaint_text(rng),
        "demand": "退款",
        "amount_paid": "99.00",
        "occurred_on": "2026-11-01",
        "name": "测试用户",
        "phone": f"139{index:08d}",
        "address": "广东省广州市天河区测试路1号",
        "consent": "on",
        "website": "",
    }
    return multipart(fields, [("evidence", "screenshot.png", png, "image/png")])


class Browser:
    """One consumer on the form over a keep-alive connection; handles the secure cookies by
    hand (the server sees https through X-Forwarded-Proto, as behind the TLS proxy)."""

    def __init__(self, port: int):
        import http.client

        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method, path, body=None, headers=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": f"127.0.0.1:{self.port}",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for line in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content

    def token(self) -> str:
        _response, html = self.request("GET", "/complaints/new/")
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()

    def submit_form(self, png: bytes, index: int, rng) -> str:
        """One submission; the form page is fetched once per consumer (for its CSRF token), so
        each submission is one request, as for the bare view."""
        if not getattr(self, "csrf", ""):
            self.csrf = self.token()
        body, ctype = form_body(self.csrf, png, index, rng)
        response, content = self.request(
            "POST",
            "/complaints/new/",
            body,
            {"Content-Type": ctype, "Referer": f"{self.origin}/complaints/new/"},
        )
        if response.status in (301, 302, 303):
            location = urllib.parse.urlsplit(response.getheader("Location"))
            response, content = self.request("GET", location.path)
        match = re.search(rb"data-tracking-number>([^<]+)<", content)
        if not match:
            raise RuntimeError(f"no tracking number in the answer (HTTP {response.status})")
        return match.group(1).decode().strip()

    def submit_bare(self, png: bytes, index: int, rng) -> str:
        body, ctype = multipart(
            {"description": complaint_text(rng)},
            [("evidence", "screenshot.png", png, "image/png")],
        )
        response, content = self.request("POST", "/submit/", body, {"Content-Type": ctype})
        match = re.search(rb"data-tracking-number>([^<]+)<", content)
        if not match:
            raise RuntimeError(f"no id in the answer (HTTP {response.status})")
        return match.group(1).decode()


def load(port: int, kind: str, count: int, concurrency: int, base) -> dict:
    """``concurrency`` clients submit ``count`` in all, each one after the other."""
    import random

    todo = iter(range(count))
    lock = threading.Lock()
    receipts: dict[str, str] = {}
    errors: list[str] = []
    latencies: list[float] = []

    def client(c: int) -> None:
        browser = Browser(port)
        rng = random.Random(c)
        while True:
            with lock:
                index = next(todo, None)
            if index is None:
                break
            png = png_copy(base, index)
            started = time.perf_counter()
            try:
                if kind == "form":
                    number = browser.submit_form(png, index, rng)
                else:
                    number = browser.submit_bare(png, index, rng)
            except Exception as exc:
                errors.append(f"#{index}: {type(exc).__name__}: {exc}")
                browser = Browser(port)
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                receipts[number] = hashlib.sha256(png).hexdigest()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=1800)
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": len(receipts) / wall,
        "wall": wall,
        "receipts": receipts,
        "errors": errors,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000 if latencies else 0,
        "finished": time.time(),
    }


def gunicorn(args: list[str], env: dict, port: int, cwd: Path) -> subprocess.Popen:
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [str(Path(PYTHON).with_name("gunicorn")), *args, "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a loaded machine starts slowly
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    if server.poll() is None:
        stop(server)
    log.seek(0)
    sys.exit("the server did not start:\n" + log.read().decode(errors="replace")[-3000:])


def proc_cpu(wanted) -> float:
    """CPU seconds used so far by the processes (threads included) for which
    ``wanted(entry, fields)`` is true (``entry`` their /proc folder, ``fields`` those of its
    ``stat`` after the command name), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if wanted(entry, fields):  # utime/stime are fields[11:13]
                total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by the server's processes (its master and workers, threads
    included): its process group (fields[2]; fields[0] is the state, fields[1] the ppid)."""
    return proc_cpu(lambda entry, fields: int(fields[2]) == server.pid)


def pg_backends_cpu(database: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to ``database`` (their
    process titles name it: ``postgres: [<cluster>:] <user> <database> <client> <state>``)."""

    def wanted(entry, fields) -> bool:
        title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").split()
        return title[:1] == [b"postgres:"] and database.encode() in title[1:4]

    return proc_cpu(wanted)


def named_cpu(name: bytes) -> float:
    """CPU seconds used so far by the processes whose command starts with ``name`` (the shared
    Redis server: other users' commands count too)."""
    return proc_cpu(lambda entry, fields: (entry / "cmdline").read_bytes().startswith(name))


def measured(server: subprocess.Popen, port: int, kind: str, args, base) -> dict:
    """``load`` with the server's and this client's CPU per submission."""
    server_before, client_before = server_cpu(server), time.process_time()
    result = load(port, kind, args.count, args.concurrency, base)
    count = max(1, len(result["receipts"]))
    result["server_cpu_end"] = server_cpu(server)
    result["server_ms"] = (result["server_cpu_end"] - server_before) / count * 1000
    result["client_ms"] = (time.process_time() - client_before) / count * 1000
    return result


def stop(server: subprocess.Popen) -> None:
    import signal

    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:  # a loaded machine: workers still finishing
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


PENDING_SQL = (
    "SELECT count(*) FROM wsmonitor_outboxmessage WHERE completed_at IS NULL "
    "AND task_name = 'complaints.after_intake'"
)


def count_in(db: Path | str, sql: str) -> int:
    """``sql`` (a count) in the SQLite file ``db`` or the PostgreSQL URL ``db``."""
    if isinstance(db, str):
        out = subprocess.run(["psql", db, "-tAc", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or 0)
    import sqlite3

    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def follow_ups_pending(db: Path | str) -> int:
    """Follow-ups not completed yet."""
    return count_in(db, PENDING_SQL)


def pg_copy_from(url: str, kept: str, env: dict) -> bool:
    """``--keep-loaded`` on PostgreSQL: the database at ``url`` made again as a copy of the
    database ``kept`` (its cases loaded earlier); False when there is none yet."""
    head, name = url.rsplit("/", 1)
    query = f"SELECT 1 FROM pg_database WHERE datname = '{kept}'"  # noqa: S608 (our own name)
    found = subprocess.run(["psql", f"{head}/postgres", "-tAc", query], capture_output=True,
                           text=True).stdout.strip()  # fmt: skip
    if not found:
        return False
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                f"CREATE DATABASE {name} TEMPLATE {kept}"):  # fmt: skip
        subprocess.run(["psql", f"{head}/postgres", "-q", "-c", sql], check=True)
    return True


def pg_keep(url: str, kept: str) -> None:
    """Keep a copy of the loaded database at ``url`` as ``kept`` for the next run."""
    head, name = url.rsplit("/", 1)
    sessions = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"  # noqa: S608
    for sql in (sessions, f"DROP DATABASE IF EXISTS {kept}",
                f"CREATE DATABASE {kept} TEMPLATE {name}"):  # fmt: skip
        subprocess.run(["psql", f"{head}/postgres", "-q", "-c", sql], check=True)


def pg_reset(url: str, env: dict) -> None:
    """A fresh, migrated PostgreSQL database at ``url`` (dropped first if it exists)."""
    head, name = url.rsplit("/", 1)
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", f"{head}/postgres", "-q", "-c", sql], check=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip


READS_SQL = "SELECT count(*) FROM imaging_imagetext WHERE state = 'pending'"


def reads_pending(db: Path | str) -> int:
    """OCR reads not done yet (``imaging``)."""
    return count_in(db, READS_SQL)


def celery_worker(env: dict, queues: str = "", nice_level: int = 0) -> subprocess.Popen:
    """One worker process of concurrency 1 for the follow-ups (the broker setup) at
    ``nice_level``; with ``queues="ocr"`` the image reader, at nice 10 as ``make worker-ocr``."""
    level = 10 if queues else nice_level
    nice = ["nice", "-n", str(level)] if level else []
    return subprocess.Popen(
        [*nice, PYTHON, "-m", "celery", "-A", "wsmonitor.celery", "worker", "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         *(["--queues", queues] if queues else []),
         "-n", f"complaint-load-{queues or 'default'}-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def preload(n: int) -> None:
    """Child process: ``n`` cases received over the last 20 days, with their index rows."""
    import random

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from complaints.duplicates import bands_backfill
    from complaints.models import Case

    rng = random.Random(20261201)
    now = timezone.now()
    for start in range(0, n, 5000):
        Case.objects.bulk_create(
            Case(
                tracking_number=f"P{i:014d}",
                access_code_hash="preloaded",
                region_code="440100",
                received_region_code="440100",
                merchant_wechat_id=f"stored_shop_{i % 997}",
                description=complaint_text(rng),
                phone_index=hashlib.sha256(str(i % 50_000).encode()).hexdigest(),
                received_at=now - timezone.timedelta(minutes=rng.randint(10, 20 * 24 * 60)),
            )
            for i in range(start, min(start + 5000, n))
        )
    bands_backfill(batch=5000)


def verify_form(env: dict, receipts: dict[str, str]) -> int:
    """Child process: how many receipts lack their row or their byte-identical file."""
    import json

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(receipts, fh)
    out = subprocess.run(
        [PYTHON, __file__, "--verify-receipts", fh.name],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    os.unlink(fh.name)
    return int(out.stdout.strip().splitlines()[-1])


def verify_receipts(path: str) -> None:
    import json

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from complaints.models import Case

    receipts = json.loads(Path(path).read_text())
    bad = 0
    cases = {c.tracking_number: c for c in Case.objects.filter(tracking_number__in=receipts)}
    for number, digest in receipts.items():
        case = cases.get(number)
        files = list(case.evidence.all()) if case else []
        if len(files) != 1 or files[0].sha256 != digest:
            bad += 1
            continue
        with files[0].file.open("rb") as fh:
            bad += hashlib.sha256(fh.read()).hexdigest() != digest
    print(bad)


def verify_bare(db: Path | str, media: Path, receipts: dict[str, str]) -> int:
    import sqlite3

    if isinstance(db, str):  # PostgreSQL
        out = subprocess.run(["psql", db, "-tAF", "\t", "-c", "SELECT id, file FROM ticket"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        rows = {int(i): f for i, f in (line.split("\t") for line in out.stdout.split("\n") if line)}
    else:
        with sqlite3.connect(db) as conn:
            rows = dict(conn.execute("SELECT id, file FROM ticket").fetchall())
    bad = 0
    for number, digest in receipts.items():
        name = rows.get(int(number))
        if name is None or hashlib.sha256((media / name).read_bytes()).hexdigest() != digest:
            bad += 1
    return bad


def others_note(form: dict) -> str:
    """The CPU per submission of the other processes the form kept busy during the burst."""
    parts = []
    if "pg_ms" in form:
        parts.append(f"PostgreSQL backends {form['pg_ms']:.1f} ms ({form['pg_all_ms']:.1f} ms "
                     "with the follow-ups)")  # fmt: skip
    if "worker_burst_ms" in form:
        parts.append(f"the follow-up worker {form['worker_burst_ms']:.1f} ms")
    if "redis_ms" in form:
        parts.append(f"the Redis server {form['redis_ms']:.1f} ms (shared)")
    return f"during the burst: {', '.join(parts)}; " if parts else ""


def ocr_note(form: dict) -> str:
    if not form["ocr"]:
        return ""
    note = f"OCR reads pending after the run {form['reads_pending']}"
    if "reads_seconds" in form:
        note += f" (after images_read_pending, which took {form['reads_seconds']:.0f} s)"
    if "ocr_ms" in form:
        note += f", ocr worker {form['ocr_ms']:.0f} ms CPU per submission"
    return note + "; "


def evidence_base(args) -> tuple[bytes, bytes]:
    """The evidence every submission carries, split before IEND so each copy can be made
    distinct: noise of ``--png-bytes``, or with ``--evidence screenshot`` the generated
    screenshot of a counterfeit offer with two QR codes (Zen Hei text, as the OCR tests)."""
    if args.evidence == "noise":
        return png_base(args.png_bytes)
    sys.path.insert(0, str(ROOT))
    from tests.imaging.images import offer_screenshot

    png = offer_screenshot().png
    return png[:-12], png[-12:]  # the IEND chunk is always the last 12 bytes


def prepare(args, common: dict, work: Path, template: Path, stored: int, tag: str):
    """A fresh database with ``stored`` cases (loaded, or copied from ``--keep-loaded``):
    returns the database (a path or a URL), its environment and the seconds it took."""
    import shutil

    pg = args.database_url if (args.database_url or "").startswith("postgres") else None
    media = str(work / f"m{stored}{tag}")
    if pg:
        db = pg
        env = {**common, "DATABASE_URL": pg, "MEDIA_ROOT": media}
        pg_reset(pg, env)
    else:
        db = work / f"wsm{stored}{tag}.sqlite3"
        shutil.copy(template, db)
        env = {**common, "DATABASE_URL": f"sqlite:///{db}", "MEDIA_ROOT": media}
    began = time.perf_counter()
    kept = Path(args.keep_loaded) / f"sqlite-{stored}.sqlite3" if args.keep_loaded else None
    if stored and pg and args.keep_loaded:
        kept_db = f"{pg.rsplit('/', 1)[1]}_loaded_{stored}"
        if not pg_copy_from(pg, kept_db, env):
            subprocess.run([PYTHON, __file__, "--preload", str(stored)], cwd=ROOT, env=env,
                           check=True)  # fmt: skip
            pg_keep(pg, kept_db)
    elif stored and kept is not None and kept.exists():
        shutil.copy(kept, db)  # the same cases as a fresh load (the load is seeded)
    elif stored:
        subprocess.run([PYTHON, __file__, "--preload", str(stored)], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(db, kept)
    return db, env, time.perf_counter() - began


def form_figure(args, env: dict, db, base, ocr: bool) -> dict:
    """The form under load on a fresh server (and its workers), then the follow-ups awaited,
    the OCR reads counted (and with ``--read-images`` read) and every receipt verified."""
    env = {**env, "OCR_ENABLED": "1" if ocr else "0"}
    port = free_port()
    server = gunicorn(["wsmonitor.wsgi", "--config", str(ROOT / "gunicorn.conf.py")], env,
                      port, ROOT)  # fmt: skip
    worker = celery_worker(env, nice_level=args.worker_nice) if args.broker_url else None
    ocr_worker = (
        celery_worker(env, queues="ocr") if args.broker_url and ocr and args.ocr_worker else None
    )
    try:
        load(port, "form", 10, args.concurrency, base)  # warm
        while worker is not None and follow_ups_pending(db):
            time.sleep(0.2)  # the warm-up's follow-ups are not counted
        worker_before = server_cpu(worker) if worker is not None else 0.0
        pg_name = db.rsplit("/", 1)[1] if isinstance(db, str) else None
        pg_before = pg_backends_cpu(pg_name) if pg_name else 0.0
        redis_before = named_cpu(b"redis-server") if args.broker_url or args.cache_url else 0.0
        form = measured(server, port, "form", args, base)
        count = max(1, len(form["receipts"]))
        if pg_name:  # PostgreSQL's own work for the burst (its backends for this database)
            form["pg_ms"] = (pg_backends_cpu(pg_name) - pg_before) * 1000 / count
        if worker is not None:  # the follow-ups the worker ran during the burst
            form["worker_burst_ms"] = (server_cpu(worker) - worker_before) * 1000 / count
        if args.broker_url or args.cache_url:  # the shared server: others' commands count too
            form["redis_ms"] = (named_cpu(b"redis-server") - redis_before) * 1000 / count
        deadline = time.monotonic() + 600
        while follow_ups_pending(db) and time.monotonic() < deadline:
            time.sleep(0.2)
        form["lag"] = time.time() - form["finished"]
        form["pending"] = follow_ups_pending(db)
        if pg_name:
            form["pg_all_ms"] = (pg_backends_cpu(pg_name) - pg_before) * 1000 / count
        form["server_all_ms"] = form["server_ms"] + (
            server_cpu(server) - form["server_cpu_end"]
        ) * 1000 / max(1, len(form["receipts"]))
        if worker is not None:  # the follow-ups ran in the worker
            form["server_all_ms"] += (
                (server_cpu(worker) - worker_before) * 1000 / max(1, len(form["receipts"]))
            )
        if ocr_worker is not None:  # its CPU, during and after the burst
            form["ocr_ms"] = server_cpu(ocr_worker) * 1000 / max(1, len(form["receipts"]))
    finally:
        stop(server)
        for process in (worker, ocr_worker):
            if process is not None:
                stop(process)
    form["ocr"] = ocr
    form["reads_pending"] = reads_pending(db) if ocr else 0
    if ocr and args.read_images and not args.broker_url:
        began = time.perf_counter()
        subprocess.run([PYTHON, "manage.py", "images_read_pending", "--limit", "1000"],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        form["reads_seconds"] = time.perf_counter() - began
        form["reads_pending"] = reads_pending(db)
    form["bad"] = verify_form(env, form["receipts"])
    return form


def bare_figure(args, common: dict, work: Path, base, stored: int, database: str) -> dict:
    """The bare view under the same load, its row in a SQLite file or, given a PostgreSQL URL,
    in a database of its own beside the form's (``<name>_bare``, created afresh)."""
    if database == "sqlite":
        bare_db: Path | str = work / f"bare{stored}.sqlite3"
    else:
        head, name = database.rsplit("/", 1)
        bare_db = f"{head}/{name}_bare"
        for sql in (f"DROP DATABASE IF EXISTS {name}_bare WITH (FORCE)",
                    f"CREATE DATABASE {name}_bare"):  # fmt: skip
            subprocess.run(["psql", f"{head}/postgres", "-q", "-c", sql], check=True)
    bare_media = work / f"bare{stored}{'' if database == 'sqlite' else 'pg'}"
    bare_env = {**common, "BARE_DB": str(bare_db), "BARE_MEDIA": str(bare_media)}
    port = free_port()
    server = gunicorn(["bare_intake:application", "--workers", str(args.workers)], bare_env,
                      port, ROOT / "benchmarks")  # fmt: skip
    try:
        load(port, "bare", 20, args.concurrency, base)  # warm
        pg_name = None if database == "sqlite" else str(bare_db).rsplit("/", 1)[1]
        pg_before = pg_backends_cpu(pg_name) if pg_name else 0.0
        bare = measured(server, port, "bare", args, base)
        if pg_name:
            bare["pg_ms"] = (
                (pg_backends_cpu(pg_name) - pg_before) * 1000 / max(1, len(bare["receipts"]))
            )
    finally:
        stop(server)
    bad = verify_bare(bare_db, bare_media, bare["receipts"])
    where = "SQLite" if database == "sqlite" else "PostgreSQL"
    print(
        f"{stored:,} cases stored: bare on {where} {bare['rate']:.1f}/s (p50 {bare['p50']:.0f} "
        f"ms, p95 {bare['p95']:.0f} ms, accepted {len(bare['receipts'])}, errors "
        f"{len(bare['errors'])}, not byte-identical {bad}); CPU per submission: server "
        f"{bare['server_ms']:.1f} ms, client {bare['client_ms']:.1f} ms"
        + (f", PostgreSQL backends {bare['pg_ms']:.1f} ms" if "pg_ms" in bare else "")
    )
    return bare


def compare(args) -> int:
    import shutil

    levels = [int(x) for x in args.compare.split(",")]
    sides = (False, True) if args.ocr_both else (args.ocr,)
    base = evidence_base(args)
    size = len(png_copy(base, 0))
    work = Path(tempfile.mkdtemp(prefix="complaint-compare-"))
    common = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
        "SALT_KEY": "benchmark-only-salt-key-0123456789",
        "COMPLAINTS_BLIND_INDEX_KEY": "benchmark-only-blind-index-key-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
        "COMPLAINTS_SUBMIT_PER_IP_HOUR": "1000000",
        "COMPLAINTS_SUBMIT_PER_PHONE_DAY": "1000000",
    }
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "DATABASE_URL"):
        common.pop(name, None)  # the newcomer default: no broker, local cache, SQLite
    pg = args.database_url if (args.database_url or "").startswith("postgres") else None
    if pg:  # as docs/configuration.md says for gunicorn and workers (0: a connection a request)
        common["DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.broker_url:
        common["CELERY_BROKER_URL"] = args.broker_url
    if args.cache_url:
        common["CACHE_URL"] = args.cache_url
    ocr_said = {(False,): ", OCR off", (True,): ", OCR on"}.get(sides, ", OCR off then on")
    setup = (
        (f"PostgreSQL (DB_CONN_MAX_AGE={args.conn_max_age})" if pg else "SQLite")
        + (
            f", Redis broker (one Celery worker for the follow-ups, nice {args.worker_nice})"
            if args.broker_url
            else ", tasks in-process"
        )
        + (", Redis cache" if args.cache_url else "")
        + ocr_said
        + (" (an ocr worker at nice 10)" if args.broker_url and args.ocr_worker else "")
    )
    common["STATIC_ROOT"] = str(work / "static")  # DEBUG off serves the collected files
    template = work / "template.sqlite3"
    env = {**common, "DATABASE_URL": f"sqlite:///{template}", "MEDIA_ROOT": str(work / "m0")}
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([PYTHON, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True)
    evidence = "a screenshot of a counterfeit offer" if args.evidence == "screenshot" else "a PNG"
    print(
        f"complaint form against a bare Django view: {args.count} submissions, "
        f"{args.concurrency} clients, {evidence} of {size:,} bytes, gunicorn {args.workers} sync "
        f"workers, {setup}; the bare view on SQLite{' and on PostgreSQL' if pg else ''}; "
        f"{os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the start (the machine is shared)"
    )
    rows = []
    for stored in levels:
        bare = bare_figure(args, common, work, base, stored, "sqlite")
        bare_pg = bare_figure(args, common, work, base, stored, pg) if pg else None
        for ocr in sides:
            db, env, loaded = prepare(args, common, work, template, stored, "on" if ocr else "")
            form = form_figure(args, env, db, base, ocr)
            rows.append((stored, bare, form))
            print(
                f"  form, OCR {'on' if ocr else 'off'} ({stored:,} cases loaded in {loaded:.0f} "
                f"s): {form['rate']:.1f}/s (p50 {form['p50']:.0f} ms, p95 {form['p95']:.0f} ms, "
                f"accepted {len(form['receipts'])}, errors {len(form['errors'])}, not "
                f"byte-identical {form['bad']}); form / bare {form['rate'] / bare['rate']:.2f}"
                + (
                    f", / bare on PostgreSQL {form['rate'] / bare_pg['rate']:.2f}"
                    if bare_pg
                    else ""
                )
                + "; "
                f"follow-ups done {form['lag']:.1f} s after the last receipt ({form['pending']} "
                f"still pending); CPU per submission: server {form['server_ms']:.1f} ms "
                f"({form['server_all_ms']:.1f} ms with the follow-ups), client "
                f"{form['client_ms']:.1f} ms; "
                + others_note(form)
                + ocr_note(form)
                + f"load average {os.getloadavg()[0]:.1f}"
            )
            for line in (bare["errors"] + form["errors"])[:5]:
                print("  error", line)
    for ocr in sides:
        mine = [(stored, form) for stored, _bare, form in rows if form["ocr"] == ocr]
        first = mine[0][1]["rate"] or float("nan")
        for stored, form in mine[1:]:
            print(
                f"form (OCR {'on' if ocr else 'off'}) with {stored:,} stored against "
                f"{mine[0][0]:,}: {form['rate'] / first:.2f}"
            )
    if len(sides) == 2:
        for stored, _bare, form in rows:
            if form["ocr"]:
                off = next(f for s, _b, f in rows if s == stored and not f["ocr"])
                print(
                    f"OCR on against off with {stored:,} stored: throughput "
                    f"{form['rate'] / off['rate']:.2f}, p50 {form['p50'] / off['p50']:.2f}, "
                    f"p95 {form['p95'] / off['p95']:.2f}, server CPU per submission "
                    f"{form['server_ms'] - off['server_ms']:+.1f} ms"
                )
    shutil.rmtree(work, ignore_errors=True)
    return 0


# --- One submission, profiled in-process --------------------------------------------------------


def profile(args) -> int:
    """``--profile N``: N form submissions in one process through Django's test client (the
    full middleware stack, DEBUG off, a fresh migrated database), each part timed in CPU
    (``time.process_time``) and profiled by cProfile: the POST (whose answer is the receipt; a
    redirect to it would be timed as "receipt"), the follow-up work and the OCR read (both run
    afterwards on this thread instead of the background threads, so that they are profiled
    and timed on their own)."""
    work = Path(tempfile.mkdtemp(prefix="complaint-profile-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
        "SALT_KEY": "benchmark-only-salt-key-0123456789",
        "COMPLAINTS_BLIND_INDEX_KEY": "benchmark-only-blind-index-key-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "COMPLAINTS_SUBMIT_PER_IP_HOUR": "1000000",
        "COMPLAINTS_SUBMIT_PER_PHONE_DAY": "1000000",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "OCR_ENABLED": "1" if args.ocr else "0",
    }
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "DATABASE_URL"):
        env.pop(name, None)
    pg = args.database_url if (args.database_url or "").startswith("postgres") else None
    env["DATABASE_URL"] = pg or f"sqlite:///{work / 'profile.sqlite3'}"
    if args.broker_url:
        env["CELERY_BROKER_URL"] = args.broker_url
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    if pg:
        env["DB_CONN_MAX_AGE"] = str(args.conn_max_age)  # one backend, its CPU read per part
        pg_reset(pg, env)
    else:
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    if args.stored:
        subprocess.run([PYTHON, __file__, "--preload", str(args.stored)], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
    child = [PYTHON, __file__, "--profile-child", str(args.profile)]
    code = subprocess.run([*child, "--top", str(args.top)], cwd=ROOT, env=env).returncode
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return code


def profile_child(n: int, top: int) -> None:
    import cProfile
    import io
    import pstats
    import random

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from complaints.services import followups
    from imaging import tasks as imaging_tasks

    deferred: dict[str, list] = {"follow-ups": [], "ocr": []}
    # The background threads' work is collected and run below, on this thread.
    followups.FOLLOW_UPS.submit = lambda items: deferred["follow-ups"].extend(items)
    imaging_tasks.OCR_REQUESTS.submit = lambda ids: deferred["ocr"].extend(ids)

    base = png_base(1024 * 1024)
    rng = random.Random(5)
    client = Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_PROTO="https")
    html = client.get("/complaints/new/", secure=True).content
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    profiles = {part: cProfile.Profile() for part in ("POST", "receipt", "follow-ups", "ocr")}
    cpu = dict.fromkeys(profiles, 0.0)
    pg_cpu = dict.fromkeys(profiles, 0.0)  # PostgreSQL: this process's backend, per part
    from django.db import connection

    def backend_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def submit(index: int, measure: bool) -> None:
        body, ctype = form_body(csrf, png_copy(base, index), index, rng)
        kwargs = {"content_type": ctype, "secure": True, "HTTP_REFERER":
                  "https://testserver/complaints/new/"}  # fmt: skip

        def timed(part: str, call):
            backend = backend_cpu()
            began = time.process_time()
            if measure:
                profiles[part].enable()
            response = call()
            if measure:
                profiles[part].disable()
                cpu[part] += time.process_time() - began
                pg_cpu[part] += backend_cpu() - backend
            return response

        response = timed("POST", lambda: client.generic("POST", "/complaints/new/", body, **kwargs))
        if response.status_code == 302:  # a receipt behind a redirect
            response = timed("receipt", lambda: client.get(response["Location"], secure=True))
        elif response.status_code != 200:
            raise SystemExit(f"the form answered {response.status_code}")
        if b"data-tracking-number" not in response.content:
            raise SystemExit("no tracking number on the receipt")
        for part in ("follow-ups", "ocr"):
            items, deferred[part][:] = list(deferred[part]), []
            backend = backend_cpu()
            began = time.process_time()
            if measure:
                profiles[part].enable()
            for item in items:
                if part == "ocr":
                    imaging_tasks.read_image(item)
                else:
                    func, args = item[:2]
                    func(*args)
            if measure:
                profiles[part].disable()
                cpu[part] += time.process_time() - began
                pg_cpu[part] += backend_cpu() - backend

    for index in range(3):  # warm: imports, the scanner, the calendar
        submit(index, measure=False)
    waited: dict[str, list[float]] = {}  # each statement's wall time, round trip included

    def timed_sql(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited.setdefault(sql[:90], []).append(time.perf_counter() - began)

    with connection.execute_wrapper(timed_sql):
        for index in range(3, 3 + n - 1):
            submit(index, measure=True)
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):  # the last one's statements are listed below
        submit(3 + n - 1, measure=True)
    total = sum(cpu.values())
    print(
        f"{n} submissions in-process, DEBUG off, {settings.DATABASES['default']['ENGINE']}, "
        f"broker {'yes' if settings.CELERY_BROKER_URL else 'no (tasks in-process)'}, OCR "
        f"{'on' if settings.OCR_ENABLED else 'off'}; CPU per submission: "
        + ", ".join(f"{part} {cpu[part] / n * 1000:.1f} ms" for part in cpu)
        + f"; all {total / n * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    if connection.vendor == "postgresql":
        parts = ", ".join(f"{part} {pg_cpu[part] / n * 1000:.1f} ms" for part in pg_cpu)
        print(f"PostgreSQL backend CPU per submission: {parts}")
    print(f"statements of the last submission (this thread: POST, receipt, follow-ups, OCR): "
          f"{len(statements)}")  # fmt: skip
    for sql in statements:
        print("  ", sql[:150])
    print("statements by wall time (round trip included), ms per submission, calls:")
    for sql, times in sorted(waited.items(), key=lambda item: -sum(item[1]))[:25]:
        print(f"  {sum(times) / n * 1000:6.2f} {len(times):5d}  {sql}")
    for part, prof in profiles.items():
        if not cpu[part]:
            continue
        if os.environ.get("PROFILE_DUMP_DIR"):  # for pstats' callers and callees
            prof.dump_stats(os.path.join(os.environ["PROFILE_DUMP_DIR"], f"{part}.prof"))
        print(f"\n=== {part}: {cpu[part] / n * 1000:.1f} ms per submission ===")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(top)
            print(f"--- by {order}")
            print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server on loopback")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for the whole run")
    parser.add_argument("--database-url", help="for the server this script starts (default: a "
                        "fresh SQLite file)")  # fmt: skip
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the child server
    parser.add_argument("--compare", help="e.g. 0,10000,100000 cases stored: form against bare")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--broker-url", help="with --compare: a Redis broker for the form's "
                        "follow-ups, served by one Celery worker the script starts")  # fmt: skip
    parser.add_argument("--cache-url", help="with --compare: the form's shared cache (Redis)")
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="with --compare on PostgreSQL: DB_CONN_MAX_AGE of the servers "
                        "and the worker (60, as docs/configuration.md advises)")  # fmt: skip
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        choices=range(20),
        help="with --broker-url: the follow-up worker's nice level (10: on the "
        "web's cores intake comes first, as the in-process thread at nice 19)",
    )
    parser.add_argument("--png-bytes", type=int, default=1024 * 1024)
    parser.add_argument("--preload", type=int, help=argparse.SUPPRESS)  # child
    parser.add_argument("--verify-receipts", help=argparse.SUPPRESS)  # child
    parser.add_argument("--profile", type=int, help="N submissions in-process, profiled")
    parser.add_argument("--stored", type=int, default=0, help="with --profile: cases preloaded")
    parser.add_argument("--top", type=int, default=30, help="with --profile: lines per part")
    parser.add_argument(
        "--ocr",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="OCR of the images on (the default) or off (OCR_ENABLED)",
    )
    parser.add_argument(
        "--ocr-worker",
        action="store_true",
        help="with --compare, a broker and OCR on: start an ocr worker too",
    )
    parser.add_argument("--ocr-both", action="store_true",
                        help="with --compare: the form with OCR off and then on at each "
                        "figure, against the same bare view")  # fmt: skip
    parser.add_argument("--evidence", choices=("noise", "screenshot"), default="noise",
                        help="with --compare: a PNG of --png-bytes noise (the default) or the "
                        "generated screenshot of a counterfeit offer with QR codes")  # fmt: skip
    parser.add_argument("--read-images", action="store_true",
                        help="with --compare, no broker and OCR on: run images_read_pending "
                        "after each figure and time it")  # fmt: skip
    parser.add_argument("--keep-loaded", help="with --compare: a folder where the databases "
                        "with cases loaded are kept and reused by later runs (on PostgreSQL "
                        "copies named <database>_loaded_<N>)")  # fmt: skip
    parser.add_argument("--profile-child", type=int, help=argparse.SUPPRESS)  # child
    args = parser.parse_args()
    if args.profile_child:
        profile_child(args.profile_child, args.top)
        return 0
    if args.profile:
        return profile(args)
    if args.preload:
        preload(args.preload)
        return 0
    if args.verify_receipts:
        verify_receipts(args.verify_receipts)
        return 0
    if args.compare:
        if "--concurrency" not in sys.argv:
            args.concurrency = 10
        return compare(args)
    if args.serve:
        serve(args.serve)
        return 0
    count = max(1, min(args.count, 1000))
    concurrency = max(1, min(args.concurrency, 200, count))

    tmp = tempfile.TemporaryDirectory(prefix="complaint-load-")
    env = {
        **os.environ,
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(Path(tmp.name) / "media")),
        "DATABASE_URL": args.database_url
        or os.environ.get("LOAD_DATABASE_URL", f"sqlite:///{Path(tmp.name) / 'load.sqlite3'}"),
        # Raised for the load run only: every simulated phone comes from 127.0.0.1.
        "COMPLAINTS_SUBMIT_PER_IP_HOUR": str(count * 10),
        "COMPLAINTS_SUBMIT_PER_PHONE_DAY": str(count * 10),
    }
    server = None
    if args.url:
        ensure_loopback(args.url)
        base = args.url.rstrip("/")
    else:
        server, base = start_server(env)
    deadline = time.monotonic() + args.timeout
    try:
        phones = [Phone(base, i) for i in range(count)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(32, count)) as pool:
            list(pool.map(lambda p: p.prepare(30), phones))
        gate = threading.Barrier(concurrency)

        def run(phone: Phone):
            if phone.index < concurrency:
                gate.wait(timeout=60)  # all start at the same instant
            left = max(1.0, deadline - time.monotonic())
            return phone.submit(left)

        latencies, expected, errors = [], {}, []
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
            futures = {pool.submit(run, p): p for p in phones}
            for future in concurrent.futures.as_completed(futures):
                phone = futures[future]
                try:
                    elapsed, number, _url = future.result()
                except Exception as exc:
                    errors.append(f"#{phone.index}: {type(exc).__name__}: {exc}")
                    continue
                latencies.append(elapsed)
                expected[number] = (
                    hashlib.sha256(phone.png).hexdigest(),
                    hashlib.sha256(phone.chat).hexdigest(),
                )
        wall = time.perf_counter() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)

    latencies.sort()
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("nan")
    print(f"submissions: {count}, concurrency: {concurrency}, accepted: {len(latencies)}, "
          f"errors: {len(errors)}")  # fmt: skip
    print(f"wall time: {wall:.2f} s, throughput: {len(latencies) / wall:.1f} submissions/s")
    print(f"latency p50: {p50 * 1000:.0f} ms, p95: {p95 * 1000:.0f} ms, "
          f"max: {(latencies[-1] if latencies else 0) * 1000:.0f} ms")  # fmt: skip
    for line in errors[:10]:
        print("  error", line)
    lost = []
    if not args.no_verify:
        lost = verify(env, expected)
        print(f"verified in the database: {len(expected) - len(lost)}/{len(expected)} rows with "
              f"byte-identical evidence; problems: {len(lost)}")  # fmt: skip
        for line in lost[:10]:
            print("  lost", line)
    tmp.cleanup()
    return 0 if not errors and not lost and len(expected) == count else 1


if __name__ == "__main__":
    sys.exit(main())
