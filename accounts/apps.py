from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users, roles and teams"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import access, backends, roles

        post_migrate.connect(roles.ensure_role_groups, sender=self)
        backends.register_object_policy(access.user_object_policy())
        backends.register_object_policy(access.team_object_policy())
