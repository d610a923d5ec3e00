from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("集赞 campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns import selectors
        from core.signals import answer, role_permissions
        from merchants import signals

        # The merchant page, the public merchant check and the dashboard show campaigns.
        answer(signals.timeline_items, selectors.merchant_timeline, uid="campaigns.timeline")
        answer(signals.public_facts, selectors.merchant_public_facts, uid="campaigns.public")
        answer(
            signals.dashboard_campaigns, selectors.dashboard_campaigns, uid="campaigns.dashboard"
        )
        answer(role_permissions, _role_permissions, uid="campaigns.roles")


def _role_permissions() -> dict[str, list[str]]:
    read = [
        "campaigns.view_campaign",
        "campaigns.view_snapshot",
        "campaigns.view_termchange",
        "campaigns.view_breach",
        "campaigns.view_redemptionreport",
    ]
    work = [*read, "campaigns.change_campaign", "campaigns.add_snapshot"]
    return {"Regulator": work, "Supervisor": work, "Auditor": read}
