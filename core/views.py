import threading
import time

from celery import current_app as app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.errors import error_body


@require_safe
def home(request):
    return render(request, "wsmonitor/home.html")


@never_cache
@require_safe
def healthz(request):
    """The process is up and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


# Each dependency gets this long to answer; the checks run side by side, so a hung broker or
# database costs the probe about one second, not a socket timeout (5 s) or more.
READY_TIMEOUT_SECONDS = 1.0


@never_cache
@require_safe
def readyz(request):
    """Ready to serve: the database answers and, when configured, the broker too, each within
    ``READY_TIMEOUT_SECONDS`` (checked in parallel). Answers 503 naming the failing part."""
    probes = {"database": _database_status}
    if settings.CELERY_BROKER_URL:
        probes["broker"] = _broker_status
    checks = _run_bounded(probes, timeout=READY_TIMEOUT_SECONDS)
    if not settings.CELERY_BROKER_URL:
        checks["broker"] = "in-process (no broker configured)"
    failing = [name for name, state in checks.items() if state.startswith("error")]
    body = {"status": "ok" if not failing else "unavailable", "checks": checks, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


def _run_bounded(probes: dict, *, timeout: float) -> dict[str, str]:
    """Run every probe on a thread of its own; one that has not answered after ``timeout``
    seconds is reported as timed out (its thread is left to end on its socket timeout)."""
    results: dict[str, str] = {}

    def run(name, probe):
        try:
            results[name] = probe()
        except Exception as exc:
            results[name] = f"error: {type(exc).__name__}"

    threads = {
        name: threading.Thread(target=run, args=(name, probe), name=f"readyz-{name}", daemon=True)
        for name, probe in probes.items()
    }
    deadline = time.monotonic() + timeout
    for thread in threads.values():
        thread.start()
    for thread in threads.values():
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, f"error: no answer within {timeout:g} s") for name in probes}


def _database_status() -> str:
    conn = connections[DEFAULT_DB_ALIAS]  # this thread's own connection, closed below
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    finally:
        conn.close()


def _broker_status() -> str:
    # A fresh connection with short socket timeouts: the app's pool uses 5 s, and a hung Redis
    # accepts the connection and then never answers.
    seconds = READY_TIMEOUT_SECONDS * 0.9
    options = {"socket_timeout": seconds, "socket_connect_timeout": seconds, "max_retries": 0}
    with app.connection_for_write(connect_timeout=seconds, transport_options=options) as conn:
        conn.ensure_connection(max_retries=0, interval_start=0, timeout=seconds)
    return "ok"


def error_404(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if _is_api(request):
        return JsonResponse(error_body("server_error", _("A server error occurred.")), status=500)
    return render(request, "500.html", status=500)


def _is_api(request) -> bool:
    """API clients get the API's JSON error shape even for URLs no view matched."""
    return request.path.startswith("/api/")
