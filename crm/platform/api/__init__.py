"""DRF plumbing every context's API builds on.

Strict serializers, permissions, keyset pagination, filtering, errors, parsers, throttling.
"""
