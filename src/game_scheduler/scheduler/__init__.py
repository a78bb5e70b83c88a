"""The scheduler: synchronous Celery tasks. No asyncio here, by design."""
