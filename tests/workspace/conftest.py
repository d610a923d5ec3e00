"""Fixtures for the regulator workspace: scans in-process, a small world of merchants in
广州 (4401xx), 深圳 (4403xx) and 上海 (3101xx) with scanned posts."""

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _scan_in_process(settings):
    """Scans and outbox tasks run in-process right after commit."""
    from wsmonitor.celery import app

    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture
def ingest(db, django_capture_on_commit_callbacks):
    """``ingest(handle, region, text, external_id=None)`` → the scanned post."""
    from merchants.posts import PostInput, posts_ingest

    counter = {"n": 0}

    def make(handle: str, region: str, text: str, *, external_id: str | None = None, **kw):
        counter["n"] += 1
        item = PostInput(
            source=kw.get("source", "moments"),
            external_id=external_id or f"{handle}-{counter['n']}",
            text=text,
            platform=kw.get("platform", "wechat_id"),
            handle=handle,
            display_name=kw.get("display_name", handle),
            region_code=region,
        )
        with django_capture_on_commit_callbacks(execute=True):
            result = posts_ingest(items=[item], submitted_by="test")[0]
        post = result.post
        post.refresh_from_db()
        return post

    return make


@pytest.fixture
def world(ingest):
    """Four flagged merchants: 荔湾 and 天河 (广州), 南山 (深圳), 黄浦 (上海)."""
    texts = [
        "高*仿ＬＶ包包，一比一复刻，专柜品质，支持验货",
        "国家级配方，最佳美白效果，七天根治痘痘，无效退款",
        "高仿名表一比一复刻，原单品质，全网最低价",
    ]
    merchants = {}
    for key, handle, region in [
        ("liwan", "liwan_daigou", "440103"),
        ("tianhe", "tianhe_meibai", "440106"),
        ("nanshan", "nanshan_haohuo", "440305"),
        ("huangpu", "huangpu_zhenpin", "310101"),
    ]:
        for text in texts:
            post = ingest(handle, region, text)
        post.merchant.refresh_from_db()
        merchants[key] = post.merchant
    return merchants


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
