"""Public pages (Simplified Chinese, phone-first): the merchant check and consumer warnings.

They show only what is public: registration, published warnings and the facts provider apps
declare safe. Never risk scores, findings or anything a regulator has not published."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core import ratelimit
from core.audit import client_ip
from merchants.selectors import public_merchant_facts, warnings_published
from merchants.services import merchant_find

PUBLIC_FACT_LABELS = {
    "complaints_closed": _("Complaints closed"),
    "complaints_in_handling": _("Complaints being handled"),
}
MAX_HANDLE = 100


def _over_limit(request) -> bool:
    limit = int(getattr(settings, "WORKSPACE_CHECK_PER_IP_HOUR", 120))
    return ratelimit.count(f"merchant-check:{client_ip(request) or '-'}", 3600) > limit


def merchant_check(request):
    handle = (request.GET.get("handle") or "").strip()[:MAX_HANDLE]
    context = {"handle": handle, "searched": bool(handle), "results": []}
    status = 200
    if handle:
        if _over_limit(request):
            context["limited"] = True
            status = 429
        else:
            for merchant in merchant_find(handle=handle)[:5]:
                facts = public_merchant_facts(merchant)
                facts["facts"] = [
                    {"label": PUBLIC_FACT_LABELS.get(f["label"], f["label"]), "value": f["value"]}
                    for f in facts["facts"]
                    if isinstance(f, dict) and "label" in f
                ]
                context["results"].append(facts)
    response = render(request, "merchants/check.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def warning_list(request):
    warnings = list(warnings_published()[:100])
    return render(request, "merchants/warnings.html", {"warnings": warnings})


def warning_detail(request, pk: int):
    warning = warnings_published().filter(pk=pk).first()
    if warning is None:
        raise Http404
    return render(request, "merchants/warning_detail.html", {"warning": warning})
