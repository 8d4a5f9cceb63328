"""A fixed-window counter per client address in the cache (Redis in production).

Small on purpose: public forms need "at most N per hour from one address", nothing more. Behind
reverse proxies (TRUSTED_PROXY_COUNT, the same setting allauth's login limits use) the address is
the one the outermost trusted proxy put into X-Forwarded-For; anything further left in that header
could be made up by the client and is ignored.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def allow(request: HttpRequest, *, action: str, limit: int, period: int = 3600) -> bool:
    """Count this request; False once the address has used up its `limit` in the window."""
    return count(f"ratelimit:{action}:{client_address(request)}", timeout=period) <= limit


def count(key: str, *, timeout: int | None) -> int:
    """Add one to the counter `key` (atomic: Redis INCR) and return it; a new counter lives
    `timeout` seconds (None: until the cache is emptied)."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
