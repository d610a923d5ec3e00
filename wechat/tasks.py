"""Celery tasks: load by id, call one service. Enqueued through the outbox."""

from celery import shared_task


@shared_task(name="wechat.message_process")
def message_process(message_id: int) -> None:
    from wechat.services import message_process as run

    run(message_id=message_id)
