"""docker/ cannot be run here (no Docker engine): its files are checked as data instead.
The compose file parses, names every role, gives each a health check, keeps exactly one scheduler,
holds no secret value, and the image neither copies local state nor bakes in a secret. What the
gateway publishes is checked in tests/security/test_gateway.py."""
from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

DOCKER = ROOT / "docker"
APP_ROLES = {"migrate": ["registry", "migrate"], "actions": ["actions"], "rasa": ["rasa"],
             "scheduler": ["scheduler", "run"]}
SECRET_NAMES = re.compile(r"(PASSWORD|SECRET|TOKEN|AES_KEY|ID_KEY)$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))


def test_every_role_is_a_service(compose):
    assert set(compose["services"]) >= {"postgres", "redis", "gateway", *APP_ROLES}
    for name, command in APP_ROLES.items():
        assert compose["services"][name]["command"] == command


def test_long_running_services_have_health_checks(compose):
    for name, service in compose["services"].items():
        if name == "migrate":  # one-shot
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"


def test_several_rasa_servers_and_exactly_one_scheduler(compose):
    services = compose["services"]
    assert int(services["rasa"]["deploy"]["replicas"]) >= 2
    assert int(services["scheduler"]["deploy"]["replicas"]) == 1
    assert services["rasa"]["environment"]["ACTION_SERVER_URL"] == "http://actions:5055/webhook"


def test_shared_stores_are_postgresql_and_redis(compose):
    for name in APP_ROLES:
        env = compose["services"][name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["JIUYE_ID_KEY_FILE"].startswith("/run/secrets/")


def test_no_secret_values_in_compose_or_env_example(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAMES.search(key):
                assert str(value).startswith("${"), f"{name}.{key} holds a literal value"
        database_url = (service.get("environment") or {}).get("DATABASE_URL", "")
        assert not database_url or "${POSTGRES_PASSWORD" in database_url, f"{name}: password in DATABASE_URL"
    for line in (DOCKER / ".env.example").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            if SECRET_NAMES.search(key):
                assert value in ("", "change-me"), f".env.example {key} looks like a real value"


def test_image_runs_as_non_root_with_a_health_check_and_no_secrets():
    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line.split(None, 1) for line in dockerfile.splitlines() if line and not line.startswith(("#", " "))]
    users = [rest for op, *rest in instructions if op == "USER"]
    assert users and users[-1][0].split(":")[0] not in ("root", "0")
    assert any(op == "HEALTHCHECK" for op, *_ in instructions)
    copied = " ".join(rest[0] for op, *rest in instructions if op == "COPY")
    assert ". ." not in copied and ".env" not in copied and "var" not in copied.split()
    for op, *rest in instructions:
        if op in ("ENV", "ARG"):
            assert not SECRET_NAMES.search(rest[0].split("=")[0]), rest
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    for pattern in ("**/.env", "**/*.key", "var"):
        assert pattern in ignored
    healthcheck = DOCKER / "healthcheck.py"
    assert healthcheck.exists()


def test_image_commands_exist_in_the_cli():
    from jiuye.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    for command in APP_ROLES.values():
        assert command[0] in commands


def test_kubernetes_files_keep_one_scheduler_and_take_secrets_from_secrets():
    manifests = list(yaml.safe_load_all((DOCKER / "k8s" / "jiuye.yaml").read_text(encoding="utf-8")))
    scheduler = next(m for m in manifests if m["metadata"]["name"] == "jiuye-scheduler")
    assert scheduler["spec"]["replicas"] == 1 and scheduler["spec"]["strategy"]["type"] == "Recreate"
    values = yaml.safe_load((DOCKER / "k8s" / "rasa-values.yaml").read_text(encoding="utf-8"))
    assert values["command"] == ["jiuye"] and values["args"] == ["rasa"] and values["replicaCount"] >= 2
    for variable in values["extraEnv"]:
        if SECRET_NAMES.search(variable["name"]) or variable["name"] in ("DATABASE_URL", "REDIS_URL"):
            assert "valueFrom" in variable and "value" not in variable, variable["name"]


def test_image_copies_every_package_and_the_migrations():
    """A package left out of the image fails only there (the image trains and runs from source)."""
    import tomli  # Python 3.10: no tomllib

    dockerfile = (DOCKER / "Dockerfile").read_text(encoding="utf-8")
    copied = {line.split()[1] for line in dockerfile.splitlines() if line.startswith("COPY ")}
    with open(DOCKER.parent / "pyproject.toml", "rb") as handle:
        packages = [p.rstrip("*") for p in tomli.load(handle)["tool"]["setuptools"]["packages"]["find"]["include"]]
    assert set(packages) | {"migrations", "nlu"} <= copied
