"""Admin, one module per area: content (authors), approvals (boards), learning (attempts),
credit (certificates), accounts (staff), mail (the outbox)."""

# Registers the ModelAdmins.
from . import accounts, approvals, content, credit, learning, mail  # noqa: F401
