"""Values a worker keeps in its own memory under keys that carry a content version.

Such a key names one immutable value, so a worker never needs to hear of an edit: the
edit makes a new key. Each store is bounded by emptying it when full.
"""


def keep(store: dict, key, value, *, limit: int):
    """Put value in store under key, emptying the store first if it holds limit values."""
    if len(store) >= limit:
        store.clear()
    store[key] = value
    return value
