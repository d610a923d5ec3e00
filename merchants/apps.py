from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = [
    "merchants.view_merchant",
    "merchants.view_merchantaccount",
    "merchants.view_riskcomponent",
    "merchants.view_post",
    "merchants.view_finding",
    "merchants.view_reviewqueueentry",
    "merchants.view_dashboard",
    "merchants.view_enforcementaction",
    "merchants.view_consumerwarning",
    "merchants.view_exceptionproposal",
]
_WORK = [
    *_READ,
    "merchants.add_post",
    "merchants.act_on_merchant",
    "merchants.add_consumerwarning",
    "merchants.change_consumerwarning",
    "merchants.view_exportjob",
]


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = _("Merchants")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.signals import answer, role_permissions
        from merchants import checks  # noqa: F401 - registers the pg_trgm locale check

        answer(role_permissions, _role_permissions, uid="merchants.roles")


def _role_permissions() -> dict[str, list[str]]:
    supervise = [
        "merchants.publish_consumerwarning",
        "merchants.decide_exceptionproposal",
        "merchants.change_exceptionproposal",
    ]
    return {"Regulator": _WORK, "Supervisor": [*_WORK, *supervise], "Auditor": _READ}
