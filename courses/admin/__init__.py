"""Admin, one module per area: content (authors), learning (attempts), credit (certificates),
accounts (staff), mail (the outbox)."""

from . import accounts, content, credit, learning, mail  # noqa: F401  (registers the ModelAdmins)
