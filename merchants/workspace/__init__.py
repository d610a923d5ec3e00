"""The regulator workspace in the admin: the review queue, the merchant page (timeline, finding
reviews, claims, enforcement actions), the dashboard, consumer warnings, lexicon exception
proposals and background exports. Thin: every write goes through ``merchants.actions`` or
``merchants.exports``; every read through ``merchants.selectors`` with the user's regions.

Modules: ``common`` (region scoping, export actions, forms), ``merchant_page``, ``queue``,
``records`` (dashboard, actions, warnings, proposals, exports), ``my_work``. Importing the
package registers their admin classes.
"""

from merchants.workspace import my_work, queue, records  # noqa: F401  (register their admin classes)
from merchants.workspace.common import RegionScopedAdmin, export_actions
from merchants.workspace.merchant_page import WorkspaceMerchantMixin

__all__ = ["RegionScopedAdmin", "WorkspaceMerchantMixin", "export_actions"]
