"""Fixtures for the multi-process topology tests: a fresh PostgreSQL database per run
(``jiuye_topo_<random>``, dropped afterwards), Redis at 127.0.0.1:6379 with a fresh key prefix, and
the topology itself (`jiuye.topology`: action server + two Rasa servers + round-robin proxy).

PostgreSQL or Redis unreachable: the tests fail when CI=true, else they are skipped.
"""
from __future__ import annotations

import os
import shutil
import uuid
from typing import Iterator

import pytest

from tests.channels.conftest import delete_prefix, redis_or_skip
from tests.conftest import in_ci
from tests.topology.helpers import REST_TOKEN, rest_turn

POSTGRES_URL = os.environ.get("JIUYE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_or_skip() -> None:
    import psycopg2

    try:
        psycopg2.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg2.Error as exc:
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {str(exc).strip()}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def topology_database() -> Iterator[str]:
    """URL of a new, empty database; dropped (with its connections) at the end."""
    from jiuye.topology import scratch_database

    postgres_or_skip()
    with scratch_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope="session")
def topology(tmp_path_factory, topology_database):
    """Two Rasa servers behind the proxy, one action server, the fake WeChat API; PostgreSQL and
    Redis shared. Yields a dict: topology, env, wechat (fake API), database_url."""
    from bot.fakes.fake_wechat_api import FakeWeChatAPI
    from jiuye import topology as topo
    from registry import crypto
    from tests.channels import stack as st

    if not st.MODEL.exists():
        pytest.fail(f"no trained model at {st.MODEL}: run `.venv/bin/jiuye train` first")
    redis_url = redis_or_skip()
    data_dir = tmp_path_factory.mktemp("topology")
    model = data_dir / "jiuye.tar.gz"  # a copy: someone may retrain models/ meanwhile
    shutil.copyfile(st.MODEL, model)
    prefix = f"jiuye-test:{uuid.uuid4().hex[:12]}:"
    wechat = FakeWeChatAPI().start()
    env = st.channel_env(
        data_dir, JIUYE_MODEL=str(model), DATABASE_URL=topology_database, REDIS_URL=redis_url,
        CHANNEL_REDIS_PREFIX=prefix, JIUYE_ID_KEY=f"v1:{crypto.new_secret()}", JIUYE_ID_KEY_AUTOCREATE="0",
        WECHAT_APPID=wechat.appid, WECHAT_APP_SECRET=wechat.secret, WECHAT_API_BASE=wechat.url,
        WECHAT_FALLBACK_TEMPLATE_ID="tpl_fake_notice", JIUYE_LOG_LEVEL="INFO", JIUYE_REST_TOKEN=REST_TOKEN,
    )
    for inherited in ("ACTION_SERVER_URL", "JIUYE_ID_KEY_FILE"):
        env.pop(inherited, None)
    running = topo.start(env, rasa_servers=2)
    try:
        running.wait_ready(float(os.environ.get("JIUYE_TOPOLOGY_START_TIMEOUT") or 600))
        for number, server in enumerate(running.rasa):  # the first turn of a server is slow (lazy set-up)
            rest_turn(server.base_url, f"topo-warm-up-{prefix}{number}", "你好")
        yield {"topology": running, "env": env, "wechat": wechat, "database_url": topology_database}
    finally:
        running.stop()
        wechat.stop()
        delete_prefix(prefix)
