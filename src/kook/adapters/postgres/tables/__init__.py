"""SQLAlchemy Core tables, one module a context, all on one ``MetaData`` (``metadata.py``); ``types.py`` holds
the column types they share and ``mappers.py`` maps the domain classes onto them (imperatively).
"""
