"""One scheduler per database: the lock (SQLite file lock / PostgreSQL advisory lock) refuses a
second holder, and the job store works on the 2.0-style engine."""
from __future__ import annotations

import pytest

from scheduler.service import AlreadyRunning, is_running, job_store, single_instance


def test_only_one_scheduler_holds_the_lock(engine):
    assert is_running(engine) is False
    with single_instance(engine):
        assert is_running(engine) is True
        with pytest.raises(AlreadyRunning), single_instance(engine):
            pass
    assert is_running(engine) is False


def test_job_store_persists_jobs_in_the_migrated_table(engine):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(jobstores={"default": job_store(engine)}, timezone="Asia/Shanghai")
    scheduler.add_job("scheduler.jobs:plan_job", "interval", seconds=60, id="plan")
    scheduler.start(paused=True)
    try:
        assert [job.id for job in scheduler.get_jobs()] == ["plan"]
    finally:
        scheduler.shutdown(wait=False)
    again = BackgroundScheduler(jobstores={"default": job_store(engine)}, timezone="Asia/Shanghai")
    again.start(paused=True)
    try:
        assert [job.id for job in again.get_jobs()] == ["plan"]  # it survived the "restart"
    finally:
        again.shutdown(wait=False)
