"""Absolute links to the consumer's pages, for e-mails, SMS and printed letters."""

from django.conf import settings


def site_url(path: str) -> str:
    """An absolute link for e-mails: ``SITE_URL`` + path."""
    return f"{settings.SITE_URL}{path}"
