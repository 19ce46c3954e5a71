from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users, roles and teams"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import access, backends, roles, sessions

        # After every app's migrations, so that the permissions of every app exist.
        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")
        backends.register_object_policy(access.user_object_policy())
        backends.register_object_policy(access.team_object_policy())
        sessions.connect_signals()
