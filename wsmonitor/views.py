from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    return render(request, "wsmonitor/home.html")


@never_cache
@require_safe
def healthz(request):
    """The process is up and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Ready to serve: the database answers and, when configured, the broker too.
    Answers 503 naming the failing part otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _broker_status()
    else:
        checks["broker"] = "in-process (no broker configured)"
    failing = [name for name, state in checks.items() if state.startswith("error")]
    body = {"status": "ok" if not failing else "unavailable", "checks": checks, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


def _broker_status() -> str:
    from wsmonitor.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def error_404(request, exception=None):
    if _is_api(request):
        body = {"code": "not_found", "detail": _("Not found."), "fields": {}}
        return JsonResponse(body, status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if _is_api(request):
        body = {"code": "server_error", "detail": _("A server error occurred."), "fields": {}}
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)


def _is_api(request) -> bool:
    """API clients get the API's JSON error shape even for URLs no view matched."""
    return request.path.startswith("/api/")
