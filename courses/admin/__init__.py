"""Admin, one module per area: content (authors), approvals (boards), learning (attempts),
credit (certificates), accounts (staff), mail (the outbox), renewals (requirement
profiles)."""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group

from courses.admin.garbled import GarbledInputAdmin

# Registers the ModelAdmins.
from . import accounts, approvals, content, credit, learning, mail, renewals  # noqa: F401

# Other apps' admins, registered again so that they answer garbled ids as ours do.
for model, model_admin in [
    (Group, GroupAdmin),
    (EmailAddress, EmailAddressAdmin),
    (Authenticator, AuthenticatorAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (GarbledInputAdmin, model_admin), {}))
