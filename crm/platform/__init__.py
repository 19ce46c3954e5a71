"""Shared by every context and knowing none of them.

API base classes, paging, list pages, exports, forms, periods, records, slots, background jobs,
middleware and the audit engine.
"""
