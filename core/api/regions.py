from core.api.authentication import ApiClient
from core.roles import region_code_prefix, region_prefixes


def request_region_prefixes(request) -> list[str] | None:
    """Region prefixes the caller may see: a token's regions (empty = all), or a staff user's."""
    user = request.user
    if isinstance(user, ApiClient):
        prefixes = [
            region_code_prefix(code) if len(code) == 6 else code
            for code in user.token.region_prefixes
        ]
        return prefixes or None
    return region_prefixes(user)
