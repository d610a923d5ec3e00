import datetime

import pytest

CHINA = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _scan_in_process(settings):
    """Unless a test says otherwise, scans and outbox tasks run in-process right after commit."""
    from wsmonitor.celery import app

    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def at(day: str, hour: int = 10) -> datetime.datetime:
    """``at("2025-11-03")`` → 10:00 China time on that day."""
    d = datetime.date.fromisoformat(day)
    return datetime.datetime(d.year, d.month, d.day, hour, tzinfo=CHINA)


def notice(likes=38, gift="价值58元的保温杯一个", deadline="2025年11月9日") -> str:
    return f"转发本文到朋友圈集满{likes}个赞，即可到店免费领取{gift}，截止{deadline}。"


@pytest.fixture
def make_campaign(db):
    """A campaign of the 广州 merchant ``baby_shop_gz`` announced on 2025-11-01."""
    from campaigns.services import campaign_create

    def make(text=None, *, handle="baby_shop_gz", region_code="440103", **kwargs):
        result = campaign_create(
            platform="wechat_id",
            handle=handle,
            region_code=region_code,
            title=kwargs.pop("title", "转发集赞送保温杯"),
            text=notice() if text is None else text,
            captured_at=kwargs.pop("captured_at", at("2025-11-01")),
            actor_label="crawler",
            **kwargs,
        )
        return result.snapshot.campaign

    return make
