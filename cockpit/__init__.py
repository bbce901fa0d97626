"""Server-side parts of the cockpit that are neither pages, components nor data access."""
