"""Signals merchants declares for the apps above it (complaints, campaigns, imaging). Each answers
from its ``AppConfig.ready()`` with ``core.signals.answer``; merchants gathers the answers with
``core.signals.gathered`` and never imports those apps.

* ``timeline_items`` (``merchant``, ``user``) → ``TimelineItem``\\ s for the merchant page's single
  timeline (the answering app applies its own permission and masking rules);
* ``public_facts`` (``merchant``) → dicts safe to show on the public merchant check page (e.g. the
  count of closed complaints), never personal data;
* ``dashboard_complaints`` (``prefixes``, ``since``) → rows ``{"period", "received", "accepted",
  "overdue"}`` for the dashboard's complaints chart;
* ``dashboard_campaigns`` (``prefixes``, ``since``) → rows ``{"region", "promised", "honoured",
  "not_honoured"}`` for the honour-rate chart.

A chart with no app answering says it has no data source.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.dispatch import Signal


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    kind: str  # e.g. "complaint", "report", "campaign", "campaign_breach"
    title: str
    body: str = ""
    url: str = ""
    badges: tuple[str, ...] = field(default=())


timeline_items = Signal()
public_facts = Signal()
dashboard_complaints = Signal()
dashboard_campaigns = Signal()
