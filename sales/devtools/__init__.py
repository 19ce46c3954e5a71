"""Sales' part of the developer tools: demo and bulk seeders and bench cases (found by crm.devtools' autodiscovery)."""
