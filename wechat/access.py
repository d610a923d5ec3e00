"""Who may see what: the regulator's view of stored messages (by region), and the consumer's
signed short-lived link to their case (``django.core.signing``, ``WECHAT_LINK_HOURS``)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from complaints.models import Case
from core.roles import region_prefixes, region_q

_LINK_SALT = "wechat.case-link"
VIEW_PERMISSION = "wechat.view_wechatmessage"


def messages_visible(user, queryset):
    """The messages of the regions ``user`` covers (a superuser sees all)."""
    if not user.has_perm(VIEW_PERMISSION):
        return queryset.none()
    return queryset.filter(region_q(region_prefixes(user), "region_code"))


def case_link_token(case: Case) -> str:
    return signing.dumps({"c": case.pk, "n": case.tracking_number}, salt=_LINK_SALT)


def case_link_url(case: Case) -> str:
    return f"{settings.SITE_URL}{reverse('wechat:case_link', args=[case_link_token(case)])}"


def case_from_link(token: str) -> Case | None:
    """The case a link was signed for, while the link is young enough; else None."""
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=settings.WECHAT_LINK_HOURS * 3600)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    return Case.objects.filter(pk=data.get("c"), tracking_number=data.get("n")).first()
