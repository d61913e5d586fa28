import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_collects_static_files_with_production_storage(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", ALLOWED_HOSTS="pua.example.org",
               SECRET_KEY="collectstatic-check-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    static_root = str(tmp_path / "static")
    code = (
        "import django; django.setup();"
        f"from django.conf import settings; settings.STATIC_ROOT = {static_root!r};"
        "from django.core.management import call_command; call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "markercluster").glob("leaflet.markercluster.*.js"))
