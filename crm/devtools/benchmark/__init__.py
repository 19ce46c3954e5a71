"""The benchmark against a floor (`manage.py bench`, issue 7).

crm owns the machinery: the registry of cases and floors (registry.py), the personas
(personas.py), the bench-only URLs that serve the floors (urls.py) and the runner
(runner.py). Each context contributes its cases and floors in its own `<app>/devtools/bench_cases.py`,
found with autodiscover_modules, so crm never imports sales or support.
"""
