"""The callback WeChat's servers call (URL verification and messages), and the page behind the
signed link of a reply. Thin: the protocol checks are in ``protocol``, the writes in
``services``."""

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from complaints.tracking import SESSION_TRACKED, ReportDetails, report_details_add
from core.audit import client_ip
from core.errors import ServiceError
from wechat import access, protocol, services
from wechat.forms import ReportDetailsForm

log = logging.getLogger(__name__)


def _plain(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def callback(request):
    acct = protocol.account()
    if acct is None:
        raise Http404  # the channel is off
    q = request.GET
    try:
        protocol.check_request(
            acct, signature_=q.get("signature"), timestamp=q.get("timestamp"), nonce=q.get("nonce")
        )
        if request.method == "GET":  # 服务器地址验证: echo echostr
            return _plain(q.get("echostr", ""))
        if len(request.body) > protocol.MAX_BODY_BYTES:
            raise protocol.Refused("body too large", status=413)
        body = request.body.decode("utf-8", errors="strict")
        encrypted = q.get("encrypt_type") == "aes"
        if encrypted:
            outer = protocol.envelope(body)
            xml = protocol.decrypt(
                acct,
                encrypt=outer.get("Encrypt") or "",
                msg_signature=q.get("msg_signature"),
                timestamp=q["timestamp"],
                nonce=q["nonce"],
            )
        else:
            xml = body
        parsed, message = services.message_receive(acct=acct, xml=xml, encrypted=encrypted)
    except protocol.Refused as exc:
        log.warning("WeChat callback refused (%s): %s", client_ip(request), exc.reason)
        return _plain(exc.reason, status=exc.status)
    except UnicodeDecodeError:
        return _plain("body is not UTF-8", status=400)
    except DatabaseError:  # not stored: WeChat calls again (up to three times)
        log.exception("WeChat message not stored (database)")
        return _plain("temporarily unavailable", status=503)
    text = services.answer_for(message, parsed)
    if not text:
        return _plain("success")  # WeChat: nothing to say, do not retry
    reply = protocol.text_reply(parsed, text)
    if encrypted:
        reply = protocol.encrypt_reply(acct, reply, nonce=q["nonce"])
    return HttpResponse(reply, content_type="application/xml; charset=utf-8")


@never_cache
@require_http_methods(["GET", "POST"])
def case_link(request, token: str):
    """The reply's signed link: opens the case for this browser (as a tracking number and access
    code would) and takes the seller's and the reporter's details."""
    case = access.case_from_link(token)
    if case is None:
        return render(request, "wechat/link_expired.html", status=410)
    tracked = set(request.session.get(SESSION_TRACKED, []))
    request.session[SESSION_TRACKED] = sorted(tracked | {case.pk})
    form = ReportDetailsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_details_add(
                    case=case, details=ReportDetails(**form.cleaned_data), ip=client_ip(request)
                )
            except ServiceError as exc:
                for field, errors in (getattr(exc, "fields", None) or {}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not form.errors:
                    form.add_error(None, exc.detail)
            else:
                messages.success(request, "已收到您补充的信息。")
                return redirect("complaints:track_case", number=case.tracking_number)
        status = 400
    return render(request, "wechat/case_link.html", {"case": case, "form": form}, status=status)
