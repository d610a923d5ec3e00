from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "wechat"
    verbose_name = "微信公众号举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.roles import EXTRA_ROLE_PERMISSIONS

        for role in ("Regulator", "Supervisor"):
            perms = EXTRA_ROLE_PERMISSIONS.setdefault(role, [])
            if "wechat.view_wechatmessage" not in perms:
                perms.append("wechat.view_wechatmessage")
