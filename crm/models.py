"""The model index of the `crm` app: Django finds the app's models here; code imports them from their context."""

from crm.customers.models import (  # noqa: F401
    Activity,
    ActivityKind,
    Contact,
    Customer,
    CustomerGroupObjectPermission,
    CustomerShare,
    CustomerUserObjectPermission,
    ShareLevel,
)
from crm.imports.models import ImportJob, ImportRowError  # noqa: F401
from crm.platform.audit.models import AuditEntry  # noqa: F401
from crm.platform.models import TaskFailure  # noqa: F401
