"""The support tests' cache: the personas, customer C and ticket T are tests/conftest.py's."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The survey rate limit counts in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
