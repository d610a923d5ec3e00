from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "wechat"
    verbose_name = "微信公众号举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from complaints.models import Case
        from complaints.services.personal import case_pii_erasing
        from core.signals import answer, role_permissions
        from wechat.services import case_messages_erase

        case_pii_erasing.connect(case_messages_erase, sender=Case, dispatch_uid="wechat-pii")

        answer(role_permissions, _role_permissions, uid="wechat.roles")


def _role_permissions() -> dict[str, list[str]]:
    return {role: ["wechat.view_wechatmessage"] for role in ("Regulator", "Supervisor")}
