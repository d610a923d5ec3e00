from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from complaints import office_admin  # noqa: F401  (the handling offices' admin)
        from complaints.services import recompute_on_calendar_change
        from core.holidays import calendar_changed

        # Entering a year's official holiday schedule recomputes the open cases' deadlines.
        calendar_changed.connect(recompute_on_calendar_change, dispatch_uid="complaints-deadlines")
        from campaigns.signals import report_requested
        from complaints.signals import open_breach_report

        # A regulator opens a 举报 from a 集赞 breach: campaigns asks, complaints takes it.
        report_requested.connect(open_breach_report, dispatch_uid="complaints-breach-report")
        from complaints.selectors import merchant_public_facts, merchant_timeline
        from core.roles import EXTRA_ROLE_PERMISSIONS
        from merchants.providers import public_providers, timeline_providers

        if merchant_timeline not in timeline_providers:
            timeline_providers.append(merchant_timeline)
        if merchant_public_facts not in public_providers:
            public_providers.append(merchant_public_facts)
        from complaints.selectors import dashboard_complaints
        from merchants.dashboard import dashboard_providers

        if dashboard_complaints not in dashboard_providers["complaints"]:
            dashboard_providers["complaints"].append(dashboard_complaints)
        handle = [
            "complaints.view_case",
            "complaints.handle_case",
            "complaints.show_personal_data",
            "complaints.view_evidence",
            "complaints.view_duplicatesuggestion",
            "complaints.view_deadlinerule",
            "complaints.view_refusalground",
            "complaints.view_office",
        ]
        EXTRA_ROLE_PERMISSIONS.setdefault("Regulator", []).extend(handle)
        EXTRA_ROLE_PERMISSIONS.setdefault("Supervisor", []).extend(
            [
                *handle,
                "complaints.change_deadlinerule",
                "complaints.add_deadlinerule",
                "complaints.change_refusalground",
                "complaints.add_refusalground",
                "complaints.change_office",
                "complaints.add_office",
            ]
        )
        EXTRA_ROLE_PERMISSIONS.setdefault("Auditor", []).append("complaints.view_case")
