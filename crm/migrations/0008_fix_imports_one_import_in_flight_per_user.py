# The constraint in a migration of its own: PostgreSQL creates no index in the transaction
# that updated the table's rows (0006's data step): "pending trigger events".

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('crm', '0007_fix_imports_dry_run_in_background_one_in_flight'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='importjob',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', ('checking', 'queued', 'running'))), fields=('created_by',), name='one_import_in_flight_per_user'),
        ),
    ]
