"""Resolving task names for an outbox delivery must not set Django up again: inside a worker's
pool process that re-applied the logging configuration and silenced every later task error."""

import logging

from core import outbox


def test_resolving_outbox_tasks_keeps_the_process_logging_configuration(monkeypatch):
    sentinel = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(sentinel)
    monkeypatch.setattr(outbox, "_tasks_imported", False)
    try:
        app = outbox._app()
        assert sentinel in root.handlers, "the logging configuration was applied again"
    finally:
        root.removeHandler(sentinel)
    # every app's tasks are still known by name
    assert {"merchants.scan_posts", "wsmonitor.outbox_deliver"} <= set(app.tasks)
