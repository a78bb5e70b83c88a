"""The scheduler's use cases as plain functions over a sync session: Celery tasks and the
embedded ``game-scheduler up`` call the same code."""
