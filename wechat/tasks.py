"""Celery tasks: load by id, call one service. Enqueued through the outbox."""

from celery import shared_task

from wechat import services


@shared_task(name="wechat.message_process")
def message_process(message_id: int) -> None:
    services.message_process(message_id=message_id)
