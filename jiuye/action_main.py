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
from settings import check_settings, exit_on_bad_setting


def main(argv: Optional[List[str]] = None) -> None:
    log_privacy.install()
    with exit_on_bad_setting("jiuye actions"):
        check_settings()
        level = log_privacy.apply_to_rasa(os.environ)

    args = create_argument_parser().parse_args(sys.argv[1:] if argv is None else argv)
    args.loglevel = logging.getLevelName(level)
    main_from_args(args)


if __name__ == "__main__":
    main()
