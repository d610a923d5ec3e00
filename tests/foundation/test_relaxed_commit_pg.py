"""On PostgreSQL the request path's writes that may be lost in a server crash (a session, an
outbox row's "published" mark) commit without waiting for the WAL flush; everything else still
waits for it."""

import pytest
from django.db import connection, transaction

from core.sql import relaxed_commit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def _setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_only_the_relaxed_transaction_skips_the_flush():
    assert _setting() == "on"
    with relaxed_commit():
        assert _setting() == "off"
    assert _setting() == "on"  # SET LOCAL ends with the transaction


def test_inside_a_case_transaction_nothing_is_relaxed():
    with transaction.atomic():
        with relaxed_commit():
            assert _setting() == "on"


def test_a_session_write_commits_without_waiting(monkeypatch):
    from core.sessions import SessionStore

    seen = []
    real = SessionStore._run

    def spy(self, alias, template, params):
        seen.append(_setting())
        return real(self, alias, template, params)

    monkeypatch.setattr(SessionStore, "_run", spy)
    store = SessionStore()
    store["complaints_form"] = 1
    store.save()  # created by Django's store
    store["complaints_form"] = 2
    store.save()  # the UPDATE
    assert seen == ["off"]
    assert SessionStore(store.session_key).load()["complaints_form"] == 2
