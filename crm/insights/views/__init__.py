"""Pages of the dashboard, the home page and the access explainer."""
