"""Users and teams for people who oversee them.

The users/teams API and pages, team reassignment and its mover registry, members' work tables.
"""
