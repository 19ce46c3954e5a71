"""The admin index of the `crm` app: each part registers its own models."""

from crm.customers import admin as customers_admin  # noqa: F401
from crm.platform import admin as platform_admin  # noqa: F401
