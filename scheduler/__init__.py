"""Job-fair broadcasts and 1311×N follow-ups: one scheduler process (``jiuye scheduler``).

Business logic is plain functions of ``(session, now)`` (``planner``, ``matching``,
``messages``); every send goes through the ``outbox`` (unique key campaign × recipient × step)
and is delivered by ``sender``; ``jobs`` and ``service`` wire them to APScheduler.
See docs/scheduler.md.
"""
