"""The database: SQLAlchemy 2 async models, the engine, migrations and repositories."""
