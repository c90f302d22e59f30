"""Admin, one module per area: content (authors), approvals (boards), learning (attempts),
credit (certificates), accounts (staff), mail (the outbox), renewals (requirement
profiles)."""

from django.contrib import admin

from courses.admin.garbled import GarbledInputAdmin

# Registers the ModelAdmins.
from . import accounts, approvals, content, credit, learning, mail, renewals  # noqa: F401

# Every admin on the site, other apps' too (groups, email addresses, authenticators),
# answers garbled ids and filters the same way. The apps before this one have registered
# theirs by now (INSTALLED_APPS order).
for model, model_admin in list(admin.site._registry.items()):
    admin.site.unregister(model)
    cls = type(model_admin)
    admin.site.register(model, type(cls.__name__, (GarbledInputAdmin, cls), {}))
