"""The project's wiring: URL confs that put every context's pages and API under one root. Nothing imports it."""
