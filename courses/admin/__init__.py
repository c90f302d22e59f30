"""Admin, one module per area: content (authors), approvals (boards), learning (attempts),
credit (certificates), accounts (staff)."""

# Registers the ModelAdmins.
from . import accounts, approvals, content, credit, learning  # noqa: F401
