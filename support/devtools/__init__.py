"""Support's part of the developer tools.

Demo and bulk seeders and bench cases (found by crm.devtools' autodiscovery).
"""
