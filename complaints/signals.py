"""Receivers for the signals the apps below declare; connected in ``ComplaintsConfig.ready()``."""

from campaigns.signals import BreachReport, OpenedCase
from complaints.models import Case
from complaints.services import case_submit
from merchants.models import MerchantAccount

# The merchant field of the 举报 form that holds a handle of each platform.
_HANDLE_FIELD = {
    MerchantAccount.Platform.WECHAT_ID: "merchant_wechat_id",
    MerchantAccount.Platform.OFFICIAL_ACCOUNT: "merchant_official_account",
    MerchantAccount.Platform.PHONE: "merchant_phone",
}


def open_breach_report(sender, *, report: BreachReport, **kwargs) -> OpenedCase:
    """A 集赞 breach becomes an anonymous 举报 of a gift not delivered, through the same intake
    as the public form, handled in the merchant's region."""
    data = {
        "kind": Case.Kind.REPORT,
        "anonymous": True,
        "category": "gift_not_delivered",
        "merchant_name": report.merchant_name,
        "description": report.description,
        "campaign_url": report.campaign_url,
        "occurred_on": report.occurred_on,
    }
    field = _HANDLE_FIELD.get(report.platform)
    if field:
        data[field] = report.handle
    submitted = case_submit(
        data=data, files=[], ip=report.ip, received_region=report.region_code or None
    )
    case = submitted[0].case
    return OpenedCase(case_id=case.pk, tracking_number=case.tracking_number)
