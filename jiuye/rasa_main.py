"""`python -m jiuye.rasa_main <rasa arguments>`: Rasa's own command line with `jiuye.rasa_patches`
applied first. The Rasa servers are started this way (jiuye.runner.rasa_command, used by
`jiuye run`, `jiuye rasa`, the topology and the Docker image), never as the bare `rasa` script.

Before Rasa configures its logging, personal data is taken out of every log record and of Rasa's
structlog events (jiuye/log_privacy.py), and Rasa's level (``LOG_LEVEL``) is set from
``JIUYE_LOG_LEVEL``, the one log-level setting of every process. The HTTP request-size limit
(jiuye/http_guard.py) is installed here too."""
from __future__ import annotations

import os
import sys
from typing import List, Optional

from jiuye import http_guard, log_privacy, rasa_patches
from settings import check_settings, exit_on_bad_setting

# Printed to stderr at start-up, so a server's log shows it runs patched (tests/topology checks it).
BANNER = "jiuye: Rasa patches applied (cached action-response validator, event class lookup)"


def main(argv: Optional[List[str]] = None) -> None:
    log_privacy.install()
    with exit_on_bad_setting("jiuye rasa"):
        check_settings()
        log_privacy.apply_to_rasa(os.environ)
    try:
        rasa_patches.apply()
    except rasa_patches.RasaVersionError as error:
        print(f"jiuye rasa: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    log_privacy.install_for_rasa()
    http_guard.install()
    print(BANNER, file=sys.stderr, flush=True)
    from rasa.__main__ import main as rasa_cli  # local: loads TensorFlow (tests import BANNER from here)

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_cli()


if __name__ == "__main__":
    main()
