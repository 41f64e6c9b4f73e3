"""`python -m jiuye.action_main <rasa_sdk arguments>`: rasa_sdk's action server with personal data
taken out of every log record (jiuye/log_privacy.py) and its log level from ``JIUYE_LOG_LEVEL``
(rasa_sdk's own flags know only INFO, DEBUG and WARNING, and it ignores ``LOG_LEVEL``). Every
action server is started this way (bot/action_server.py: `jiuye run`, `jiuye ask`, `jiuye actions`,
the topology and the Docker image)."""
from __future__ import annotations

import logging
import os
import sys
from typing import List, Optional

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from jiuye import log_privacy
from registry.runtime import get_store
from settings import check_settings, exit_on_bad_setting


def main(argv: Optional[List[str]] = None) -> None:
    log_privacy.install()
    with exit_on_bad_setting("jiuye actions"):
        check_settings()
        level = log_privacy.apply_to_rasa(os.environ)

    args = create_argument_parser().parse_args(sys.argv[1:] if argv is None else argv)
    args.loglevel = logging.getLevelName(level)
    prepare_ledger()
    main_from_args(args)


def prepare_ledger() -> None:
    """Create the ledger's engine and migrate it before serving, so that no request creates an
    engine or runs a migration. A database that is not reachable yet is retried on first use."""
    try:
        get_store()
    except Exception as exc:
        logging.getLogger(__name__).warning(
            "ledger database not ready at start (%s); it is retried on the first request", type(exc).__name__
        )


if __name__ == "__main__":
    main()
