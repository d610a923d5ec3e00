from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "wechat"
    verbose_name = "微信公众号举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from complaints.models import Case
        from complaints.services.personal import case_pii_erasing
        from core.roles import EXTRA_ROLE_PERMISSIONS
        from wechat.services import case_messages_erase

        case_pii_erasing.connect(case_messages_erase, sender=Case, dispatch_uid="wechat-pii")

        for role in ("Regulator", "Supervisor"):
            perms = EXTRA_ROLE_PERMISSIONS.setdefault(role, [])
            if "wechat.view_wechatmessage" not in perms:
                perms.append("wechat.view_wechatmessage")
