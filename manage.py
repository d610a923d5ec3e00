#!/usr/bin/env python
"""Django's command-line utility for wsmonitor."""

import os
import sys

# Commands that only read or write source files: they sign, serve and store nothing, so they
# may run without a SECRET_KEY even with DEBUG off (e.g. a migration check in a lint step).
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("WSMONITOR_CODE_ONLY_COMMAND", "1")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - load settings now to report bad configuration
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"wsmonitor: configuration error: {exc}\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
