"""gunicorn settings for production; ``gunicorn wsmonitor.wsgi`` run from this directory reads
them. Override per deployment with environment variables (or gunicorn's own command-line
options, which win over this file).

Synchronous workers: each process handles one request at a time and every process waits on the
same listening socket, so requests are served in arrival order by whichever process is free.
With threads (``gthread``) a keep-alive connection stays with one process, load across processes
is uneven and Python's global lock adds a queue inside each; under 20 concurrent integrators the
single-post p95 was 1.5–2× higher (docs/performance.md). Synchronous workers rely on the TLS
proxy in front (nginx and the like buffer requests and responses by default) to deal with slow
clients, which the deployment needs anyway.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's own starting point: two per core plus one. WEB_CONCURRENCY overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request running longer than this is killed and logged (the worker is replaced); the longest
# legitimate request, a batch of 1,000 posts, takes well under a second.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# gunicorn's default line carries the Basic-auth user name (%(u)s) and the query string
# (%(r)s): an API key sent there by mistake, or a tracking number, would be logged in clear.
# Method, path without the query, protocol, status, size, duration and user agent only.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# No "Server: gunicorn" on every answer: gunicorn has no setting for it, so the name its
# responses are built with is replaced (read per response from this module global).
import gunicorn.http.wsgi  # noqa: E402

gunicorn.http.wsgi.SERVER = "wsmonitor"

# The few errors gunicorn answers itself, before Django sees the request (a request line over
# 4,094 bytes: 414; headers too large or malformed: 400/431), in the API's error shape rather
# than gunicorn's HTML page: ``{"code", "detail", "fields"}``, in Chinese like the app's own.
import json  # noqa: E402

import gunicorn.util  # noqa: E402

_GUNICORN_ERRORS = {
    400: ("bad_request", "请求格式有误。"),
    414: ("uri_too_long", "请求地址过长（上限 4094 字节），请减少查询参数。"),
    431: ("headers_too_large", "请求头过大。"),
}


def _write_json_error(sock, status_int, reason, mesg):
    code, detail = _GUNICORN_ERRORS.get(status_int, ("server_error", "服务器出错了。"))
    body = json.dumps({"code": code, "detail": detail, "fields": {}}, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = _write_json_error
