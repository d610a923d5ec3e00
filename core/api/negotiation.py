"""Content negotiation: a ``?format=`` the API does not offer is a 406 naming it, not a 404."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            names = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.NotAcceptable(f"format={format} is not offered (offered: {names})")
        return offered
