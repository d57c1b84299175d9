"""Several sender instances on one PostgreSQL (or Redis): exactly-once sending, a shared rate."""
