from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LexiconConfig(AppConfig):
    name = "lexicon"
    label = "lexicon"
    verbose_name = _("Lexicon")
    default_auto_field = "django.db.models.BigAutoField"
