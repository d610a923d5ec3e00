"""Request parsers of the integrator API."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested deeper than the interpreter's recursion limit
    answered as the usual 400 ``parse_error`` instead of a 500 (a 3 KB ``[[[…]]]`` did it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
