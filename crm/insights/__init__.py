"""What managers and everyone's home page read: the dashboard, home sections and the access explainer."""
