"""Admin, one module per area: content (authors), approvals (boards), learning (attempts),
credit (certificates), accounts (staff), mail (the outbox), renewals (requirement
profiles)."""

# Registers the ModelAdmins.
from . import accounts, approvals, content, credit, learning, mail, renewals  # noqa: F401
