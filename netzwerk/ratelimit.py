"""A fixed-window counter per client address in the cache (Redis in production).

Small on purpose: public forms need "at most N per hour from one address", nothing more. Behind a
reverse proxy REMOTE_ADDR is the proxy's address unless the proxy sets it (gunicorn's
--forwarded-allow-ips with X-Forwarded-For); the compose setup publishes gunicorn directly.
"""

from django.core.cache import cache
from django.http import HttpRequest


def allow(request: HttpRequest, *, action: str, limit: int, period: int = 3600) -> bool:
    """Count this request; False once the address has used up its `limit` in the window."""
    key = f"ratelimit:{action}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit
