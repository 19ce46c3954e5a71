"""The customer context.

Customers, contacts, activities, shares and grants; their access policy, services, selectors, API,
pages and panels.
"""
