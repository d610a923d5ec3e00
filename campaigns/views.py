"""Public pages: find a campaign, report how redeeming went. No JavaScript needed."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaigns import ratelimit, selectors, services
from campaigns.forms import FindForm, ReportForm
from core.audit import client_ip
from core.errors import ServiceError

HOUR = 3600


@require_safe
def find(request):
    form = FindForm(request.GET or None)
    results = []
    searched = False
    if form.is_valid() and form.cleaned_data["q"]:
        searched = True
        results = selectors.public_campaign_search(form.cleaned_data["q"])
    return render(
        request, "campaigns/find.html", {"form": form, "results": results, "searched": searched}
    )


def _campaign(public_id: str):
    campaign = selectors.public_campaign(public_id)
    if campaign is None:
        raise Http404
    return campaign


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, public_id: str):
    campaign = _campaign(public_id)
    if request.method == "GET":
        return _page(request, campaign, ReportForm())
    form = ReportForm(request.POST)
    if form.is_honeypot_filled():
        notice = _(
            "Your report looks automated. If you are a person, clear the field marked “leave "
            "this field empty” and send again."
        )
        return _page(request, campaign, form, status=400, notice=notice)
    ip = client_ip(request) or "unknown"
    limit = settings.CAMPAIGNS_REPORTS_PER_IP_HOUR
    if ratelimit.exceeded(f"report-ip:{ip}", limit=limit):
        return _page(request, campaign, form, status=429, rate_limited=True)
    if form.is_valid():
        if not ratelimit.hit(f"report-ip:{ip}", limit=limit, window=HOUR):
            return _page(request, campaign, form, status=429, rate_limited=True)
        try:
            services.report_submit(campaign=campaign, ip=client_ip(request), **form.report_data())
        except ServiceError as exc:
            for field, messages in exc.fields.items():
                form.add_error(field if field in form.fields else None, messages)
            if not exc.fields:
                form.add_error(None, exc.detail)
        else:
            return redirect("campaigns:report-thanks", public_id=campaign.public_id)
    return _page(request, campaign, form, status=400)


@require_safe
def report_thanks(request, public_id: str):
    return render(request, "campaigns/thanks.html", {"campaign": _campaign(public_id)})


def _page(request, campaign, form, *, status=200, **extra):
    return render(
        request,
        "campaigns/report.html",
        {"campaign": campaign, "form": form, **extra},
        status=status,
    )
