import pytest


@pytest.fixture(autouse=True)
def _scan_in_process(settings):
    """Unless a test says otherwise, scans run in-process right after commit."""
    from wsmonitor.celery import app

    old = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old


def post_payload(external_id="p-1", text="高仿LV包包，一比一复刻，专柜品质", **merchant):
    ref = {"platform": "wechat_id", "handle": "lv_haohuo888", "region_code": "440103"}
    ref.update(merchant)
    return {"source": "moments", "external_id": external_id, "text": text, "merchant": ref}
