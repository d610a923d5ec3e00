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
    args = parser.parse_args()
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
