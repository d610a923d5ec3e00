from rest_framework.pagination import PageNumberPagination

from core.errors import ValidationFailed


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        """``?page_size=`` must be a whole number ≥ 1 (above 500 is capped); DRF would silently
        fall back to 50 for ``abc`` or ``0``, which hides a client's mistake."""
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        number = value.lstrip("0") if value.isascii() and value.isdigit() else ""
        if not number:
            raise ValidationFailed(
                "page_size must be a whole number of at least 1",
                fields={self.page_size_query_param: ["invalid"]},
            )
        if len(number) > len(str(self.max_page_size)):
            return self.max_page_size  # no int() of a 5,000-digit string
        return min(int(number), self.max_page_size)

    def get_page_number(self, request, paginator):
        """``?page=`` must be a whole number ≥ 1 (empty: the first page); DRF answered ``abc`` or
        ``0`` with a 404 "invalid page" instead of a 400 naming the parameter. A page past the
        end is still a 404."""
        value = request.query_params.get(self.page_query_param)
        if not value:
            return 1
        if not (value.isascii() and value.isdigit() and value.lstrip("0")):
            raise ValidationFailed(
                "page must be a whole number of at least 1",
                fields={self.page_query_param: ["invalid"]},
            )
        return value.lstrip("0")

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] in (self.page_query_param, self.page_size_query_param):
                param["schema"]["minimum"] = 1
            if param["name"] == self.page_size_query_param:
                param["description"] = f"Results per page, at most {self.max_page_size}."
        return params
