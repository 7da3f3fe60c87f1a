"""API keys: who may use the service. Shared by the HTTP API and the UI login."""

from __future__ import annotations

import hmac


def key_matches(presented: str | None, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key."""
    if not presented:
        return False
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented.encode(), key.encode())
    return found
