"""The audit trail: who changed which record, when, and each field's old and new value.

django-auditlog writes one `AuditEntry` per create, change or delete of a registered
model, from model signals, in the transaction of the change (a refused or rolled-back
change leaves none). This package adds what the product needs around it:

- `actor`: who acts. The portal, the API (token requests included) and Django admin
  name the signed-in user; Celery tasks and commands act as "system" unless they act
  for someone (`acting_as`), like a CSV import for the user who started it.
- `registry`: which models are audited, on whose page their entries show (a contact's
  on its customer's), who may see them, and how referenced records are named.
- `selectors`: a record's history for one user, in a fixed number of queries.

Contexts above crm register their models from AppConfig.ready(); entries are only
ever written by these signals: the product offers no way to change or delete them.
"""
