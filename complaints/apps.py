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
        from complaints import selectors
        from core.signals import answer, role_permissions
        from merchants import signals

        # The merchant page, the public merchant check and the dashboard show complaints.
        answer(signals.timeline_items, selectors.merchant_timeline, uid="complaints.timeline")
        answer(signals.public_facts, selectors.merchant_public_facts, uid="complaints.public")
        answer(
            signals.dashboard_complaints, selectors.dashboard_complaints, uid="complaints.dashboard"
        )
        answer(role_permissions, _role_permissions, uid="complaints.roles")


def _role_permissions() -> dict[str, list[str]]:
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
    return {
        "Regulator": handle,
        "Supervisor": [
            *handle,
            "complaints.change_deadlinerule",
            "complaints.add_deadlinerule",
            "complaints.change_refusalground",
            "complaints.add_refusalground",
            "complaints.change_office",
            "complaints.add_office",
        ],
        "Auditor": ["complaints.view_case"],
    }
