"""System checks of production settings that Django's own ``check --deploy`` cannot know."""

from django.conf import settings
from django.core.checks import Error, register

LOG_WRITING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register()
def email_backend_check(app_configs=None, **kwargs):
    """Receipts carry a tracking number and its access code: a backend that writes mail to the
    server's output or files would put them in the logs (security review M7)."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in LOG_WRITING_BACKENDS:
        return []
    return [
        Error(
            "EMAIL_BACKEND writes e-mail (with access codes) to the server log while DEBUG is off.",
            hint="Set EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend (the default "
            "outside DEBUG) and EMAIL_HOST etc.; see docs/configuration.md.",
            id="wsmonitor.E020",
        )
    ]
