"""The client's address as every limit sees it: log-in lockouts (axes), API rate limits
(DRF, through the same PROXY_COUNT) and the survey page's rate limit.

Without trusted proxies (PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N proxies that
each append to X-Forwarded-For, it is the N-th address from the right: the one the
outermost trusted proxy saw. Entries further left were written by the client and are
never trusted, so a client cannot pick an address to escape a lockout.
"""

from django.conf import settings


def client_address(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxy_count = getattr(settings, "PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxy_count <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxy_count, len(addresses))]
