"""Finding 1, the gateway: docker/nginx.conf and the Kubernetes ingress published all of
/webhooks/ (the REST channel included). Now they publish exactly the WeChat and Telegram webhooks
and the console; the REST channel and Rasa's HTTP API are answered 404 by the gateway, and the
Rasa servers are not reachable any other way (no published port, a ClusterIP service)."""
from __future__ import annotations

import re
from typing import Dict, Optional

import pytest
import yaml

from tests.conftest import ROOT

DOCKER = ROOT / "docker"
PUBLISHED = ["/webhooks/wechat/webhook", "/webhooks/telegram/webhook", "/console/", "/console/login",
             "/console/api/answer"]
HIDDEN = ["/webhooks/rest/webhook", "/webhooks/rest/", "/webhooks/wechat/", "/webhooks/console/",
          "/webhooks/callback/webhook", "/model/parse", "/conversations/o123/tracker", "/conversations/o123/messages",
          "/status", "/version", "/"]


def nginx_locations() -> Dict[str, str]:
    """location matcher ("= /x" or "/x") -> its block, from the gateway's server block."""
    conf = (DOCKER / "nginx.conf").read_text(encoding="utf-8")
    return {m.group(1).strip(): m.group(2) for m in re.finditer(r"location\s+([^{]+)\{([^}]*)\}", conf)}


def nginx_route(locations: Dict[str, str], path: str) -> Optional[str]:
    """The block nginx picks for ``path`` (exact match first, else the longest prefix; the
    project's config has no regular-expression locations)."""
    assert not any(m.startswith("~") for m in locations), "regex locations: extend this matcher"
    exact = locations.get(f"= {path}")
    if exact is not None:
        return exact
    prefixes = [m for m in locations if not m.startswith("=") and path.startswith(m)]
    return locations[max(prefixes, key=len)] if prefixes else None


@pytest.mark.parametrize("path", PUBLISHED)
def test_gateway_routes_the_webhooks_and_the_console_to_rasa(path):
    block = nginx_route(nginx_locations(), path)
    assert block is not None and "proxy_pass http://rasa;" in block, path


@pytest.mark.parametrize("path", HIDDEN)
def test_gateway_answers_404_for_everything_else(path):
    block = nginx_route(nginx_locations(), path)
    assert block is not None and "return 404" in block and "proxy_pass" not in block, path


def test_gateway_body_limit_matches_the_servers():
    from bot.input_guard import MAX_REQUEST_BYTES

    conf = (DOCKER / "nginx.conf").read_text(encoding="utf-8")
    size = re.search(r"client_max_body_size\s+(\d+)k;", conf)
    assert size and int(size.group(1)) * 1024 <= MAX_REQUEST_BYTES


def test_rasa_servers_are_reachable_only_through_the_gateway():
    compose = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    assert "ports" not in compose["services"]["rasa"]
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"gateway"}
    assert not any(k == "JIUYE_REST_TOKEN" for k in (compose["services"]["rasa"].get("environment") or {}))


def test_kubernetes_ingress_publishes_only_the_webhooks_and_the_console():
    values = yaml.safe_load((DOCKER / "k8s" / "rasa-values.yaml").read_text(encoding="utf-8"))
    ingress = values["ingress"]
    paths = {(ingress["path"], ingress["pathType"])} | {(p["path"], p["pathType"]) for p in ingress["extraPaths"]}
    assert paths == {("/webhooks/wechat/webhook", "Exact"), ("/webhooks/telegram/webhook", "Exact"),
                     ("/console/", "Prefix")}
    assert values["service"]["type"] == "ClusterIP"
    assert values["applicationSettings"]["enableAPI"] is False
    assert not any(v["name"] == "JIUYE_REST_TOKEN" for v in values["extraEnv"])
    for probe in ("livenessProbe", "readinessProbe"):
        assert values[probe]["httpGet"]["path"] == "/"  # Rasa's root: REST is off on these servers
