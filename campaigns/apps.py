from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("集赞 campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns.selectors import merchant_public_facts, merchant_timeline
        from core.roles import EXTRA_ROLE_PERMISSIONS
        from merchants.providers import public_providers, timeline_providers

        if merchant_timeline not in timeline_providers:
            timeline_providers.append(merchant_timeline)
        if merchant_public_facts not in public_providers:
            public_providers.append(merchant_public_facts)
        from campaigns.selectors import dashboard_campaigns
        from merchants.dashboard import dashboard_providers

        if dashboard_campaigns not in dashboard_providers["campaigns"]:
            dashboard_providers["campaigns"].append(dashboard_campaigns)
        read = [
            "campaigns.view_campaign",
            "campaigns.view_snapshot",
            "campaigns.view_termchange",
            "campaigns.view_breach",
            "campaigns.view_redemptionreport",
        ]
        work = [*read, "campaigns.change_campaign", "campaigns.add_snapshot"]
        EXTRA_ROLE_PERMISSIONS.setdefault("Regulator", []).extend(work)
        EXTRA_ROLE_PERMISSIONS.setdefault("Supervisor", []).extend(work)
        EXTRA_ROLE_PERMISSIONS.setdefault("Auditor", []).extend(read)
