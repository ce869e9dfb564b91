"""Models: the process spec language (pydantic), and later the database tables (sqlmodel)."""
