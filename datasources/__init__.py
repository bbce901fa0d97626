"""Data access: warehouse reads and the cockpit's own application database. Never imports dash."""
