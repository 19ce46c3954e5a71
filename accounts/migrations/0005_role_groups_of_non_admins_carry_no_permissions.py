"""The groups of the roles manager, sales and support carried model permissions that nothing read
(only admins reach Django admin, the one reader of model permissions): they are emptied.
The admin role's group keeps its permissions; nothing else changes (no schema change)."""

from django.db import migrations

NON_ADMIN_ROLE_GROUPS = ["Role: Manager", "Role: Sales", "Role: Support"]


def empty_non_admin_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=NON_ADMIN_ROLE_GROUPS):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_date_locale"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(empty_non_admin_role_groups, migrations.RunPython.noop)]
