"""Extension points for the apps above ``merchants`` (complaints, campaigns).

``merchants`` never imports them; they register here from their ``AppConfig.ready()``:

* ``timeline_providers``: ``fn(merchant, user) -> list[TimelineItem]`` — entries for the merchant
  page's single timeline (the provider applies its own permission and masking rules);
* ``public_providers``: ``fn(merchant) -> list[dict]`` — facts safe to show on the public
  merchant check page (e.g. the count of closed complaints), never personal data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    kind: str  # e.g. "complaint", "report", "campaign", "campaign_breach"
    title: str
    body: str = ""
    url: str = ""
    badges: tuple[str, ...] = field(default=())


timeline_providers: list[Callable] = []
public_providers: list[Callable] = []
