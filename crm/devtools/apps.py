from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo and bulk seeding and the benchmark: installed by the development and test settings only."""

    name = "crm.devtools"
    label = "devtools"
    verbose_name = "Developer tools"
