"""Units of work: ``base.SqlUnitOfWork`` holds the transaction; one module a context binds its repositories."""
