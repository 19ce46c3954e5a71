"""Accounts' part of the developer tools: bulk seeding of users and teams (found by crm.devtools' autodiscovery)."""
