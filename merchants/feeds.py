"""RSS and Atom feeds of published consumer warnings (消费警示)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext_lazy as _

from merchants.selectors import warnings_published


class WarningsFeed(Feed):
    title = _("Consumer warnings")
    link = reverse_lazy("merchants:warnings")
    description = _("Consumer warnings about WeChat sellers, published by the market regulator.")

    def items(self):
        return warnings_published()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Readers treat the description as HTML; the body is plain text (names come from
        # integrators), so it is escaped, paragraphs kept.
        return linebreaks(escape(item.body))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


class WarningsAtomFeed(WarningsFeed):
    feed_type = Atom1Feed
    subtitle = WarningsFeed.description
