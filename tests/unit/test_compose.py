"""compose.yaml describes the production topology (issue 17) with real ``kook`` commands: every Kook service's
command and health check parse with the real command line, health checks ask real routes on the ports the
commands listen on, dependencies wait for what each process needs, web and worker share KOOK_DATA_DIR, and the
set of processes is the one ``scripts/topology.py`` starts. No Docker engine is needed."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kook.entrypoints.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
KOOK_SERVICES = {name: s for name, s in SERVICES.items() if s.get("image") == "kook:latest"}
LONG_RUNNING = {name for name in KOOK_SERVICES if name != "migrate"}


def _topology() -> Any:
    spec = importlib.util.spec_from_file_location("kook_topology", ROOT / "scripts" / "topology.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kook_topology"] = module
    spec.loader.exec_module(module)
    return module


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_image_runs_kook_so_each_command_is_a_kook_subcommand() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/.venv/bin/kook"]' in dockerfile
    assert set(KOOK_SERVICES) == {"migrate", "web", "worker", "scheduler", "operator-sim"}


@pytest.mark.parametrize("name", sorted(KOOK_SERVICES))
def test_every_command_parses_with_the_real_command_line(name: str) -> None:
    command = KOOK_SERVICES[name]["command"]
    args = build_parser().parse_args(command)  # exits (SystemExit) on an unknown command or option
    assert args.command == command[0]


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_every_long_running_process_waits_for_the_migrations_and_redis(name: str) -> None:
    depends = KOOK_SERVICES[name]["depends_on"]
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert depends["redis"] == {"condition": "service_healthy"}
    for other, rule in depends.items():
        assert other in SERVICES
        if rule["condition"] == "service_healthy":
            assert "healthcheck" in SERVICES[other], f"{name} waits for {other}'s health, which has no check"


def test_migrate_waits_for_a_healthy_postgres_and_runs_once() -> None:
    migrate = KOOK_SERVICES["migrate"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no"


def _http_check(name: str) -> tuple[int, str]:
    test = KOOK_SERVICES[name]["healthcheck"]["test"]
    found = re.search(r"http://127\.0\.0\.1:(\d+)(/[a-z]+)", " ".join(test))
    assert found, test
    return int(found.group(1)), found.group(2)


def test_web_health_check_asks_ready_on_the_port_web_listens_on(tmp_path: Path) -> None:
    from kook.entrypoints.http.app import create_app
    from kook.entrypoints.settings import load_settings

    port, path = _http_check("web")
    assert port == int(_option(KOOK_SERVICES["web"]["command"], "--port"))
    assert path == "/ready"
    app = create_app(load_settings({"KOOK_ENV": "test", "KOOK_DATA_DIR": str(tmp_path)}))
    assert "/ready" in {route.path for route in app.routes}
    published = KOOK_SERVICES["web"]["ports"][0]
    assert published.endswith(f":{port}")


def test_simulator_health_check_asks_health_on_its_port() -> None:
    port, path = _http_check("operator-sim")
    assert port == int(_option(KOOK_SERVICES["operator-sim"]["command"], "--port"))
    assert path == "/health"
    assert KOOK_SERVICES["operator-sim"]["environment"]["KOOK_ENV"] in ("dev", "test")  # it refuses prod


@pytest.mark.parametrize("name", ["worker", "scheduler"])
def test_workers_and_schedulers_are_checked_by_kook_ready(name: str) -> None:
    test = KOOK_SERVICES[name]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "kook"
    assert build_parser().parse_args(test[2:]).command == "ready"


def test_web_and_worker_share_the_data_directory() -> None:
    data_dir = KOOK_SERVICES["web"]["environment"]["KOOK_DATA_DIR"]
    for name in ("web", "worker"):
        assert f"kook-data:{data_dir}" in KOOK_SERVICES[name]["volumes"]
    assert "kook-data" in COMPOSE["volumes"]


def test_compose_runs_the_processes_the_topology_script_starts() -> None:
    topology = _topology().Topology(run_dir=Path("/nonexistent"))  # only planned
    planned = Counter(proc.args[0] for proc in topology.procs)
    described = Counter(
        {
            KOOK_SERVICES[name]["command"][0]: KOOK_SERVICES[name].get("deploy", {}).get("replicas", 1)
            for name in LONG_RUNNING
        }
    )
    assert planned == described == Counter({"web": 2, "worker": 3, "scheduler": 2, "operator-sim": 1})
