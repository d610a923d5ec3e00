from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "wechat"
    verbose_name = "微信公众号举报"
    default_auto_field = "django.db.models.BigAutoField"
