"""Typed readers for configuration from environment variables.

Every knob of wsmonitor comes from the environment (see docs/configuration.md). Each helper
raises ``ImproperlyConfigured`` with a one-line message that names the variable when the value is
junk, so a typo stops start-up instead of silently picking a default.

>>> import os
>>> os.environ["WSM_DOCTEST_FLAG"] = "yes"
>>> env_bool("WSM_DOCTEST_FLAG", False)
True
"""

import importlib.util
import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from core.regions import is_region_code

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE={path!r} cannot be read: {exc.strerror}"
            ) from None
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


_RATE_PERIODS = {
    "s", "sec", "second", "seconds", "m", "min", "minute", "minutes", "h", "hour", "hours",
    "d", "day", "days",
}  # fmt: skip


def env_rate(name: str, default: str) -> str:
    """A request rate ``N/period`` as the API throttle counts it: a whole number ≥ 1, then a
    second, minute, hour or day. DRF reads the rate on every request, so a junk one (``1200``,
    ``1200/week``) would answer every API call with a 500; it stops start-up here instead.

    >>> os.environ["X_RATE"] = "600/Hour"; env_rate("X_RATE", "1/s")
    '600/hour'
    >>> os.environ["X_RATE"] = "1200/week"; env_rate("X_RATE", "1/s")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    django.core.exceptions.ImproperlyConfigured: X_RATE='1200/week' is not a rate like 1200/min ...
    """
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    count, slash, period = raw.strip().partition("/")
    period = period.strip().lower()
    if not slash or not count.strip().isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate like 1200/min "
            "(a whole number ≥ 1, then /s, /min, /hour or /day)"
        )
    return f"{int(count)}/{period}"


def env_choice(name: str, default: str, *, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (compared without case), e.g. a log level."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper() if all(c.isupper() for c in choices) else raw.strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} must be one of: {', '.join(choices)}")
    return value


def env_region(name: str, default: str) -> str:
    """A GB/T 2260 region code (six digits, ``core.regions``' one rule); blank means ``default``."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip()
    if not is_region_code(value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a GB/T 2260 region code (six digits, e.g. 440106)"
        )
    return value


_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def env_dotted(name: str, default: str) -> str:
    """A dotted path to a class or function (``package.module.Name``), or "" when ``default``
    is "" (off). Junk, or a module that is not installed, stops start-up; the module itself is
    imported on first use (it may need the apps loaded)."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip()
    if not value:
        return value
    if not _DOTTED.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a dotted path (package.module.Name)")
    module = value.rpartition(".")[0]
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ImproperlyConfigured(f"{name}={value!r}: there is no module {module!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str | None, *, schemes: tuple[str, ...]) -> str | None:
    """A URL whose scheme is one of ``schemes``; empty or unset gives ``default``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(schemes)
        raise ImproperlyConfigured(f"{name}={_redact(raw)!r} must start with one of: {allowed}")
    if parts.scheme not in {"sqlite", "memory"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={_redact(raw)!r} has no host name")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={_redact(raw)!r} has an invalid port") from None
    return raw


def _redact(url: str) -> str:
    """Hide a password in a URL before it appears in an error message."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
