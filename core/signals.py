"""Signals the platform declares, and the one way apps answer and senders gather them.

A lower app never names the apps above it: it declares a signal, each higher app answers it
from its ``AppConfig.ready()`` (or its ``demo.py``, discovered like admin modules) with
:func:`answer`, and the page or command that needs the answers calls :func:`gathered`.

* ``my_work_sections`` (``request``) → sections of the regulator's home (``core.admin``): dicts
  ``{"key", "title", "rows": [{"label", "url", "note", "late"}], "empty", "action"?}``;
* ``role_permissions`` () → ``{role: ["app_label.codename", …]}`` the roles get (``core.roles``);
* ``demo_data`` (``report``) → each app loads its demo rows and appends lines to ``report``.
"""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)

my_work_sections = Signal()
role_permissions = Signal()
demo_data = Signal()


def answer(signal: Signal, func, *, uid: str) -> None:
    """Answer ``signal`` with ``func(**kwargs)`` (the signal's own arguments, without ``signal``
    and ``sender``); ``uid`` keeps a second connection from doubling the answers."""

    def receiver(sender, **kwargs):
        kwargs.pop("signal", None)
        return func(**kwargs)

    receiver.__qualname__ = f"answer({func.__module__}.{func.__qualname__})"
    signal.connect(receiver, weak=False, dispatch_uid=uid)


def gathered(signal: Signal, *, robust: bool = True, **kwargs) -> list:
    """Every receiver's answer (a list, or None for nothing), joined in connection order.

    ``robust``: an answer that raises is logged and left out, so one app's failure never blanks
    a page; off where a failure must stop the caller (roles, demo data)."""
    if not robust:
        results = signal.send(sender=None, **kwargs)
    else:
        results = signal.send_robust(sender=None, **kwargs)
    out: list = []
    for receiver, result in results:
        if isinstance(result, Exception):
            log.error("%s failed", receiver.__qualname__, exc_info=result)
            continue
        out.extend(result or [])
    return out
