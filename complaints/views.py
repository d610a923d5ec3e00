"""Public pages (form, receipt, tracking, replies, withdrawal, a lost code) and the staff
evidence download. Thin: parse, call one service, render."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import DatabaseError, transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints import ratelimit, selectors, services, tracking
from complaints.access import access_evidence
from complaints.forms import (
    AddEvidenceForm,
    ComplaintForm,
    FeedbackForm,
    LostCodeForm,
    ReplyForm,
    TrackForm,
    WithdrawForm,
)
from complaints.models import Case, SubmissionToken
from complaints.pii import normalize_tracking_number
from core.audit import client_ip
from core.errors import ServiceError

log = logging.getLogger(__name__)

SESSION_TRACKED = tracking.SESSION_TRACKED
SESSION_FORM = "complaints_form"
NOT_STORED_TRY_AGAIN = gettext_lazy(
    "We could not store this just now, so nothing was received. What you typed is still "
    "below: please send it again in a few minutes."
)
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
        # The session exists before the form is sent, so that a double tap's two requests share
        # it and the second one can show the first one's receipt.
        request.session[SESSION_FORM] = 1
        return _new_page(request, ComplaintForm())
    token = request.POST.get("form_token") or ""
    if not tracking.valid_form_token(token):
        token = tracking.new_form_token()  # an old page without a token: still one receipt address
    elif SubmissionToken.objects.filter(token=token).exists():
        # A refresh, a back-button resubmit or a second tap: the receipt of the first one.
        return _receipt_again(request, token)
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
        # Only submissions that would be stored count towards the limits: one the phone's limit
        # refuses uses up none of the address's.
        phone_key = ratelimit.phone_limit_key(form.cleaned_data.get("phone") or "")
        per_phone = settings.COMPLAINTS_SUBMIT_PER_PHONE_DAY
        if phone_key and ratelimit.exceeded(phone_key, limit=per_phone):
            return _keep_and_refuse(request, form)
        if not ratelimit.hit(
            f"submit-ip:{ip}", limit=settings.COMPLAINTS_SUBMIT_PER_IP_HOUR, window=HOUR
        ) or (phone_key and not ratelimit.hit(phone_key, limit=per_phone, window=24 * HOUR)):
            return _keep_and_refuse(request, form)
        data = form.submission_data()
        try:
            # The text first, committed with the form's token; the files after (case_attach).
            # The token is the transaction's last row: a request that loses a double tap's
            # race for it rolls its cases back and shows the first one's receipt.
            with transaction.atomic():
                results = services.case_file(
                    data=data, files=form.checked_files, ip=client_ip(request)
                )
                tracking.submission_token_record(token, [r.case.pk for r in results])
        except tracking.TokenTaken:
            return _receipt_again(request, token)
        except ServiceError as exc:
            for field, messages in exc.fields.items():
                form.add_error(field if field in form.fields else None, messages)
            if not exc.fields:
                form.add_error(None, exc.detail)
        except DatabaseError:
            log.warning("complaint not stored: the database failed", exc_info=True)
            return _not_stored(request, form, token)
        else:
            services.case_attach(
                results,
                files=form.checked_files,
                email=data.get("email") or "",
                ip=client_ip(request),
            )
            tracking.receipt_remember(request.session, token, results)
            # The receipt is the answer (one round trip on a phone's network, not two); it is
            # also at its own address (Content-Location, and the page's address once shown),
            # and sending the form again shows this receipt, never a second case.
            return _receipt_page(
                request,
                token,
                cases=[r.case for r in results],
                codes={r.case.pk: r.access_code for r in results},
                mailed=any(r.mailed for r in results),
                missing={r.case.pk: r.not_stored for r in results if r.not_stored},
            )
    return _new_page(request, form, status=400, staged=form.staged_tokens())


def _not_stored(request, form, token: str):
    """503: nothing was stored. The form comes back with everything typed (and the files kept
    when the disk takes them), under the same one-time token, so sending it again files the
    complaint once."""
    form.data = form.data.copy()
    form.data["form_token"] = token
    response = _new_page(request, form, status=503, staged=form.staged_tokens(), not_stored=True)
    response["Retry-After"] = "30"
    return response


def _receipt_again(request, token: str):
    """The receipt of a form already sent. The other request may still be filing it (a double
    tap): wait for its cases, then for its session entry to be saved."""
    if tracking.submission_token_cases(token):
        for _attempt in range(25):
            if tracking.receipt_recall(request.session, token) is not None:
                break
            time.sleep(0.2)
            request.session = request.session.__class__(request.session.session_key)
    if tracking.receipt_recall(request.session, token) is None:
        # Sent from another browser, or the session has expired: nothing to show but the way on.
        return render(request, "complaints/already_sent.html", status=409)
    return redirect("complaints:receipt", token=token)


def _keep_and_refuse(request, form):
    """A friendly 429 that still shows everything the consumer typed."""
    form.is_valid()
    staged = form.staged_tokens() if hasattr(form, "checked_files") else []
    return _new_page(request, form, status=429, staged=staged, rate_limited=True)


@never_cache
def receipt(request, token: str):
    """The receipt at its own address (the form's answer says it is here). The access codes are
    readable here for a short while after the submission, from this browser's session only
    (encrypted there), never from the URL; then only their hash is left."""
    recalled = tracking.receipt_recall(request.session, token)
    if recalled is None:
        return render(request, "complaints/already_sent.html", status=404)
    cases, codes, mailed = recalled
    missing = tracking.receipt_not_stored(request.session, token)
    return _receipt_page(request, token, cases=cases, codes=codes, mailed=mailed, missing=missing)


def _receipt_page(request, token: str, *, cases, codes, mailed: bool, missing):
    items = [
        {
            "case": case,
            "number": case.tracking_number,
            "code": codes.get(case.pk, ""),
            "kind": case.get_kind_display(),
            "deadline": services.deadline_current(case),
            "stages": tracking.case_stages(case),
            "office": tracking.office_for(case.region_code),
            "not_stored": missing.get(case.pk, []),
        }
        for case in cases
    ]
    email = next((c.complainant_email for c in cases if c.complainant_email), "")
    address = reverse("complaints:receipt", kwargs={"token": token})
    response = render(
        request,
        "complaints/receipt.html",
        {
            "items": items,
            "mailed": mailed and bool(email),
            "email_masked": _mask_email(email),
            "codes_shown": bool(codes),
            "code_minutes": tracking.RECEIPT_CODE_SECONDS // 60,
            "receipt_url": address,
        },
    )
    response["Content-Location"] = address
    return response


def _mask_email(email: str) -> str:
    if "@" not in (email or ""):
        return ""
    user, _at, domain = email.partition("@")
    return f"{user[:1]}***@{domain}"


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        initial = {"tracking_number": request.GET.get("number", "")[:40]}
        return render(request, "complaints/track.html", {"form": TrackForm(initial=initial)})
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
    # Wrong codes count per case *and* address, so that a stranger who knows the number cannot
    # lock the owner out; and per address over all cases.
    per_case = f"track-fail:{number}:{ip}"
    if ratelimit.exceeded(per_case, limit=limit) or ratelimit.exceeded(
        f"track-fail-ip:{ip}", limit=limit * 3
    ):
        return too_many(request)
    try:
        case = services.case_find_by_code(
            tracking_number=number, access_code=form.cleaned_data["access_code"]
        )
    except ServiceError as exc:
        ratelimit.hit(per_case, limit=limit, window=HOUR)
        ratelimit.hit(f"track-fail-ip:{ip}", limit=limit * 3, window=HOUR)
        form.add_error(None, exc.detail)
        return render(request, "complaints/track.html", {"form": form}, status=404)
    tracked = set(request.session.get(SESSION_TRACKED, []))
    request.session[SESSION_TRACKED] = sorted(tracked | {case.pk})
    return redirect("complaints:track_case", number=case.tracking_number)


def _tracked_case(request, number: str) -> Case | None:
    case = Case.objects.filter(tracking_number=normalize_tracking_number(number)).first()
    if case is None or case.pk not in request.session.get(SESSION_TRACKED, []):
        return None
    return case


def _ask_for_code(request, number: str, *, status=200):
    """A case link opened without the code (another browser, an expired session): ask for it,
    with the number filled in. Says nothing about whether the number exists."""
    form = TrackForm(initial={"tracking_number": normalize_tracking_number(number) or ""})
    return render(request, "complaints/track.html", {"form": form, "ask_code": True}, status=status)


@never_cache
def track_case(request, number: str):
    case = _tracked_case(request, number)
    if case is None:
        return _ask_for_code(request, number)
    return _render_case(request, case)


def _render_case(
    request, case, *, evidence_form=None, feedback_form=None, reply_form=None,
    withdraw_form=None, status=200,
):  # fmt: skip
    events = list(selectors.case_public_events(case=case))
    return render(
        request,
        "complaints/case.html",
        {
            "case": case,
            "deadline": services.deadline_current(case),
            "stages": tracking.case_stages(case),
            "office": tracking.office_for(case.region_code),
            "events": events,
            "evidence": case.evidence.all(),
            "person": selectors.masked_person(case) if not case.anonymous else None,
            "evidence_form": evidence_form or AddEvidenceForm(),
            "reply_form": reply_form or ReplyForm(),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "can_reply": tracking.can_reply(case),
            "can_withdraw": tracking.can_withdraw(case),
            "feedback_form": feedback_form or FeedbackForm(),
            "can_feedback": case.kind == Case.Kind.COMPLAINT
            and case.status in ("agreement", "mediation_ended", "not_accepted", "closed")
            and case.withdrawn_at is None
            and case.consumer_confirmed_at is None
            and case.consumer_rating is None,
            "max_files": settings.COMPLAINTS_MAX_FILES,
            "max_bytes": settings.COMPLAINTS_MAX_FILE_BYTES,
        },
        status=status,
    )


@never_cache
@require_POST
def track_add_evidence(request, number: str):
    case = _tracked_case(request, number)
    if case is None:
        return _ask_for_code(request, number, status=403)
    form = AddEvidenceForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            services.evidence_add(case=case, files=form.checked_files, ip=client_ip(request))
        except ServiceError as exc:
            form.add_error("evidence", exc.detail)
            status = exc.status  # 503: the disk or the database refused, nothing was kept
        else:
            messages.success(
                request, _("Received: %(n)s file(s).") % {"n": len(form.checked_files)}
            )
            return redirect("complaints:track_case", number=case.tracking_number)
    # The page's form for files is the reply form: show the same errors there.
    reply = ReplyForm(request.POST, request.FILES)
    reply.is_valid()
    for message in form.errors.get("evidence", []):
        if message not in reply.errors.get("evidence", []):
            reply.add_error("evidence", message)
    return _render_case(request, case, evidence_form=form, reply_form=reply, status=status)


@never_cache
@require_POST
def track_reply(request, number: str):
    case = _tracked_case(request, number)
    if case is None:
        return _ask_for_code(request, number, status=403)
    form = ReplyForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        after = reverse("complaints:track_case", args=[case.tracking_number]) + "#history"
        try:
            tracking.case_reply(
                case=case,
                body=form.cleaned_data["body"],
                files=form.checked_files,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            if exc.code == "reply_files_not_stored":  # the text is kept: do not send it twice
                messages.warning(request, exc.detail)
                return redirect(after)
            form.add_error(None, exc.detail)
            status = exc.status
        except DatabaseError:
            log.warning("reply not stored: the database failed", exc_info=True)
            form.add_error(None, NOT_STORED_TRY_AGAIN)
            status = 503
        else:
            messages.success(request, _("Sent. The office will read it with your case."))
            return redirect(after)
    return _render_case(request, case, reply_form=form, status=status)


@never_cache
@require_POST
def track_withdraw(request, number: str):
    case = _tracked_case(request, number)
    if case is None:
        return _ask_for_code(request, number, status=403)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            tracking.case_withdraw(
                case=case, reason=form.cleaned_data["reason"], ip=client_ip(request)
            )
        except ServiceError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Your complaint is withdrawn."))
            return redirect("complaints:track_case", number=case.tracking_number)
    return _render_case(request, case, withdraw_form=form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def lost_code(request):
    """A new access code, sent to the e-mail (or by SMS to the phone) given with the case."""
    sms = tracking.sms_available()
    if request.method == "GET":
        initial = {"tracking_number": request.GET.get("number", "")[:40]}
        form = LostCodeForm(initial=initial, sms=sms)
        return render(request, "complaints/lost_code.html", {"form": form, "sms": sms})
    form = LostCodeForm(request.POST, sms=sms)
    ip = client_ip(request) or "unknown"
    if not ratelimit.hit(
        f"lost-ip:{ip}", limit=settings.COMPLAINTS_TRACK_FAILURES_PER_HOUR, window=HOUR
    ):
        return too_many(request)
    if not form.is_valid():
        return render(request, "complaints/lost_code.html", {"form": form, "sms": sms}, status=400)
    number = normalize_tracking_number(form.cleaned_data["tracking_number"]) or "invalid"
    # Per case and address, like wrong codes: a stranger cannot use up the owner's requests.
    if not ratelimit.hit(f"lost-case:{number}:{ip}", limit=3, window=24 * HOUR):
        return too_many(request)
    tracking.access_code_reissue(
        tracking_number=number,
        email=form.cleaned_data.get("email") or "",
        phone=form.cleaned_data.get("phone") or "",
        ip=client_ip(request),
    )
    return render(request, "complaints/lost_code.html", {"done": True, "sms": sms})


@never_cache
@require_POST
def track_feedback(request, number: str):
    case = _tracked_case(request, number)
    if case is None:
        return _ask_for_code(request, number, status=403)
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
        found = access_evidence(user=request.user, pk=pk, variant=variant, ip=client_ip(request))
    except ServiceError:
        raise Http404 from None
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
