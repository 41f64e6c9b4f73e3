"""`jiuye scheduler run` / `python -m jiuye.scheduler_main`: the scheduler process (docs/scheduler.md).
Its settings are checked and its log redacted before anything runs; the jobs are scheduler.service's."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time

from sqlalchemy.engine import Engine

from jiuye import log_privacy
from scheduler.service import STANDBY_POLL, AlreadyRunning, scheduler_engine, serve, single_instance
from settings import check_settings, exit_on_bad_setting

logger = logging.getLogger("scheduler.service")  # the name its log lines always had


def main() -> int:
    """Run the scheduler. If another one holds the lock, stand by and take over when it stops
    (so `jiuye run` on a second machine, or a stray second start, never runs jobs twice)."""
    with exit_on_bad_setting("jiuye scheduler"):
        settings = check_settings()
    log_privacy.configure(settings.log_level)
    engine = scheduler_engine(settings.database_url)
    waiting = False
    while True:
        try:
            with single_instance(engine):
                asyncio.run(_run_until_signal(engine))
            return 0
        except AlreadyRunning as exc:
            if not waiting:
                logger.warning("%s: standing by until it stops (only one scheduler may run)", exc)
                waiting = True
            time.sleep(STANDBY_POLL)


async def _run_until_signal(engine: Engine) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve(engine, stop)


if __name__ == "__main__":
    sys.exit(main())
