"""``{% site_agency as agency %}``: who runs the site (``SITE_AGENCY_NAME``), for the public
footer and consumer warnings; ``{% site_icp %}`` the ICP filing number when configured."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_agency() -> str:
    return getattr(settings, "SITE_AGENCY_NAME", "") or "市场监督管理部门"


@register.simple_tag
def site_icp() -> str:
    return getattr(settings, "SITE_ICP_NUMBER", "")
