"""OpenAPI response declarations shared by every app's API."""

from drf_spectacular.utils import OpenApiResponse

from wsmonitor.api.errors import ErrorSerializer

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names each problem"),
    401: OpenApiResponse(ErrorSerializer, description="Missing or invalid token"),
    403: OpenApiResponse(ErrorSerializer, description="The token lacks the scope"),
    # Every operation counts against the token's rate (API_THROTTLE_RATE).
    429: OpenApiResponse(
        ErrorSerializer,
        description="Over the token's rate; `Retry-After` says in how many seconds to retry",
    ),
}


def not_found(description: str) -> dict:
    return {404: OpenApiResponse(ErrorSerializer, description=description)}
