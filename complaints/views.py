"""Public pages (form, receipt, tracking) and the staff evidence download. Thin: parse, call one
service, render."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints import ratelimit, selectors, services
from complaints.forms import AddEvidenceForm, ComplaintForm, FeedbackForm, TrackForm
from complaints.models import Case
from complaints.pii import normalize_tracking_number, phone_blind_index
from wsmonitor.audit import audit_log, client_ip
from wsmonitor.errors import ServiceError

SESSION_TRACKED = "complaints_tracked"
HOUR = 3600


def _new_page(request, form, *, status=200, **extra):
    context = {
        "form": form,
        "max_files": settings.COMPLAINTS_MAX_FILES,
        "max_bytes": settings.COMPLAINTS_MAX_FILE_BYTES,
        **extra,
    }
    return render(request, "complaints/new.html", context, status=status)


def too_many(request, template: str = "complaints/429.html", context=None):
    return render(request, template, {"rate_limited": True, **(context or {})}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if request.method == "GET":
        return _new_page(request, ComplaintForm())
    form = ComplaintForm(request.POST, request.FILES)
    ip = client_ip(request) or "unknown"
    if form.is_honeypot_filled():
        notice = _(
            "Your submission looks automated. If you are a person, clear the field marked "
            "“leave this field empty” and send again."
        )
        return _new_page(request, form, status=400, notice=notice)
    if ratelimit.exceeded(f"submit-ip:{ip}", limit=settings.COMPLAINTS_SUBMIT_PER_IP_HOUR):
        return _keep_and_refuse(request, form)
    valid = form.is_valid()
    if valid:
        # Only submissions that would be stored count towards the limits.
        phone = form.cleaned_data.get("phone") or ""
        if not ratelimit.hit(
            f"submit-ip:{ip}", limit=settings.COMPLAINTS_SUBMIT_PER_IP_HOUR, window=HOUR
        ) or (
            phone
            and not ratelimit.hit(
                f"submit-phone:{phone_blind_index(phone)}",
                limit=settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY,
                window=24 * HOUR,
            )
        ):
            return _keep_and_refuse(request, form)
        try:
            results = services.case_submit(
                data=form.submission_data(), files=form.checked_files, ip=client_ip(request)
            )
        except ServiceError as exc:
            for field, messages in exc.fields.items():
                form.add_error(field if field in form.fields else None, messages)
            if not exc.fields:
                form.add_error(None, exc.detail)
        else:
            return _receipt(request, results)
    return _new_page(request, form, status=400, staged=form.staged_tokens())


def _keep_and_refuse(request, form):
    """A friendly 429 that still shows everything the consumer typed."""
    form.is_valid()
    staged = form.staged_tokens() if hasattr(form, "checked_files") else []
    return _new_page(request, form, status=429, staged=staged, rate_limited=True)


def _receipt(request, results):
    """The tracking number(s) and access code(s), shown once in the answer to the submission
    itself: the codes are never stored anywhere, not even in the session (only their hash)."""
    tracked = set(request.session.get(SESSION_TRACKED, []))
    request.session[SESSION_TRACKED] = sorted(tracked | {r.case.pk for r in results})
    items = [
        {
            "number": r.case.tracking_number,
            "code": r.access_code,
            "kind": r.case.get_kind_display(),
            "deadline": services.deadline_current(r.case),
        }
        for r in results
    ]
    return render(request, "complaints/receipt.html", {"items": items})  # never_cache: no-store


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "complaints/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    ip = client_ip(request) or "unknown"
    if not ratelimit.hit(
        f"track-ip:{ip}", limit=settings.COMPLAINTS_TRACK_PER_IP_HOUR, window=HOUR
    ):
        return too_many(request)
    if not form.is_valid():
        return render(request, "complaints/track.html", {"form": form}, status=400)
    number = normalize_tracking_number(form.cleaned_data["tracking_number"]) or "invalid"
    limit = settings.COMPLAINTS_TRACK_FAILURES_PER_HOUR
    if ratelimit.exceeded(f"track-fail:{number}", limit=limit) or ratelimit.exceeded(
        f"track-fail-ip:{ip}", limit=limit * 3
    ):
        return too_many(request)
    try:
        case = services.case_find_by_code(
            tracking_number=number, access_code=form.cleaned_data["access_code"]
        )
    except ServiceError as exc:
        ratelimit.hit(f"track-fail:{number}", limit=limit, window=HOUR)
        ratelimit.hit(f"track-fail-ip:{ip}", limit=limit * 3, window=HOUR)
        form.add_error(None, exc.detail)
        return render(request, "complaints/track.html", {"form": form}, status=404)
    tracked = set(request.session.get(SESSION_TRACKED, []))
    request.session[SESSION_TRACKED] = sorted(tracked | {case.pk})
    return redirect("complaints:track_case", number=case.tracking_number)


def _tracked_case(request, number: str) -> Case:
    case = Case.objects.filter(tracking_number=normalize_tracking_number(number)).first()
    if case is None or case.pk not in request.session.get(SESSION_TRACKED, []):
        raise Http404
    return case


@never_cache
def track_case(request, number: str):
    case = _tracked_case(request, number)
    return _render_case(request, case)


def _render_case(request, case, *, evidence_form=None, feedback_form=None, status=200):
    return render(
        request,
        "complaints/case.html",
        {
            "case": case,
            "deadline": services.deadline_current(case),
            "events": selectors.case_public_events(case=case),
            "evidence": case.evidence.all(),
            "evidence_form": evidence_form or AddEvidenceForm(),
            "feedback_form": feedback_form or FeedbackForm(),
            "can_feedback": case.kind == Case.Kind.COMPLAINT
            and case.status in ("agreement", "mediation_ended", "not_accepted", "closed")
            and case.consumer_confirmed_at is None
            and case.consumer_rating is None,
        },
        status=status,
    )


@never_cache
@require_POST
def track_add_evidence(request, number: str):
    case = _tracked_case(request, number)
    form = AddEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(case=case, files=form.checked_files, ip=client_ip(request))
        except ServiceError as exc:
            form.add_error("evidence", exc.detail)
        else:
            return redirect("complaints:track_case", number=case.tracking_number)
    return _render_case(request, case, evidence_form=form, status=400)


@never_cache
@require_POST
def track_feedback(request, number: str):
    case = _tracked_case(request, number)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.case_feedback(
                case=case,
                confirmed=form.cleaned_data["confirmed"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            return redirect("complaints:track_case", number=case.tracking_number)
    return _render_case(request, case, feedback_form=form, status=400)


@require_POST
def suggest(request):
    """Progressive enhancement for the form: the scanning engine's category for the text."""
    ip = client_ip(request) or "unknown"
    if not ratelimit.hit(f"suggest-ip:{ip}", limit=120, window=HOUR):
        return JsonResponse({"category": "", "label": ""}, status=429)
    text = (request.POST.get("text") or "")[:5000]
    category = services.suggest_category(text) if text.strip() else ""
    label = Case.Category(category).label if category else ""
    return JsonResponse({"category": category, "label": str(label)})


@staff_member_required
def evidence_download(request, pk: int, variant: str):
    """Evidence for authorised staff only: as an attachment, never rendered by the browser."""
    try:
        evidence = selectors.evidence_get(user=request.user, pk=pk)
    except ServiceError:
        raise Http404 from None
    if not request.user.has_perm("complaints.view_evidence"):
        raise Http404
    if not services.inside_the_case(case=evidence.case, user=request.user):
        # A report's evidence may identify the reporter (Order 20 Art 33).
        audit_log("complaint.evidence_denied", actor=request.user, target=evidence.case,
                  ip=client_ip(request), data={"evidence": evidence.pk})  # fmt: skip
        raise Http404
    field = evidence.preview if variant == "preview" else evidence.file
    if variant not in ("original", "preview") or not field:
        raise Http404
    audit_log(
        "complaint.evidence_downloaded",
        actor=request.user,
        target=evidence.case,
        ip=client_ip(request),
        data={"evidence": evidence.pk, "variant": variant, "sha256": evidence.sha256},
    )
    ext = {
        "jpeg": "jpg",
        "png": "png",
        "webp": "webp",
        "heic": "heic",
        "pdf": "pdf",
        "text": "txt",
    }[evidence.kind]
    if variant == "preview":
        ext = "jpg"
    name = f"{evidence.case.tracking_number}-{evidence.pk}-{variant}.{ext}"
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
