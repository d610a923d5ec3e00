"""The regulators' workspace for complaints and reports. Every list is limited to the user's
jurisdiction through ``complaints.selectors``; every workflow step calls a service.

Modules: ``steps`` (the workflow steps a case offers), ``case`` (the case page and list),
``reference`` (deadline rules, refusal grounds, duplicate suggestions), ``my_work``. Importing
the package registers their admin classes."""

from complaints.admin import case, my_work, reference, steps  # noqa: F401  (register their admin classes)
