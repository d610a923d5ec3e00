"""The Celery application, configured so that no work is lost (docs/architecture.md).

* late acks + reject on worker lost + prefetch 1: a task whose worker is killed runs again;
* soft time limit < hard time limit < broker visibility timeout: a slow task is never started
  twice because its message became visible again;
* broker socket timeouts of a few seconds, and web requests never publish themselves: each
  process's publisher thread does (``core.outbox.BackgroundPublisher``), so a hung Redis
  delays publications, not requests.

With no ``CELERY_BROKER_URL`` tasks run in-process (``task_always_eager``), so a newcomer needs
nothing but Python.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsmonitor.settings")

app = Celery("wsmonitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    broker_url=settings.CELERY_BROKER_URL or "memory://",
    task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER,
    task_eager_propagates=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=settings.TASK_SOFT_TIME_LIMIT,
    task_time_limit=settings.TASK_TIME_LIMIT,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    timezone=settings.TIME_ZONE,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=5,
    broker_transport_options={
        "visibility_timeout": settings.BROKER_VISIBILITY_TIMEOUT,
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "retry_on_timeout": False,
    },
    # Publishing gives up quickly (off the request, in the publisher thread): the row stays
    # pending and the thread, or else the sweeper, publishes it again.
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 0.5,
    },
    worker_soft_shutdown_timeout=10,
    worker_enable_soft_shutdown_on_idle=True,
    beat_schedule=settings.CELERY_BEAT_SCHEDULE,
)
app.autodiscover_tasks()

# Database connections in workers follow Django's rule for requests (``DB_CONN_MAX_AGE``, and
# a connection that saw an error is dropped): checked before and after every task. Celery's
# Django fixup would otherwise close them before and after every task, so each task paid for a
# new PostgreSQL backend (fork, authentication, catalogue caches): with 20 tasks a second that
# was half of the database server's CPU. Connections inherited across the pool's fork are still
# closed by the fixup.
app.conf["CELERY_DB_REUSE_MAX"] = 2**62


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(**kwargs) -> None:
    if not app.conf.task_always_eager:
        close_old_connections()
