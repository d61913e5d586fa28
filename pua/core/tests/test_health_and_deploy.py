import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
# The browser tests allow sync ORM calls next to Playwright's event loop; a
# production process must not inherit that.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run(code: str, **env):
    full_env = {**BASE_ENV, **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True,
                          timeout=120)


def test_it_reports_a_healthy_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_answers_503_when_the_database_is_unreachable():
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = _run(code, DJANGO_SETTINGS_MODULE="config.settings_test", ALLOWED_HOSTS="testserver",
                  DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["status"] == 503
    assert payload["body"]["status"] == "error"
    assert payload["body"]["database"] == "unreachable"


def test_it_passes_the_deployment_checklist_in_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
             "SECRET_KEY": "x7$k2!pQz9@Lm4#Rt8^Vw1&Yb6*Nc3(Hd5)Jf0_Ge-Su+Ai=Ko;Pl:Qm,Rn.To/Up",
             "ALLOWED_HOSTS": "pua.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_serve_in_production_without_a_secret_key():
    env = {k: v for k, v in BASE_ENV.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0")
    served = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env=env)
    assert served.returncode != 0
    assert "SECRET_KEY must be set" in served.stderr
    checked = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env={**env, "ALLOWED_HOSTS": "pua.example.org"})
    assert checked.returncode != 0
    assert "pua.E001" in checked.stderr + checked.stdout
