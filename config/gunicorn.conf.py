"""gunicorn settings for production (``make serve``), from the environment.

Threaded workers: each request spends most of its time waiting on
PostgreSQL, so a few processes per core each serve several requests at once.

  GUNICORN_BIND      address to listen on              127.0.0.1:8001
  GUNICORN_WORKERS   worker processes                  2 x cores + 1
  GUNICORN_THREADS   threads per worker                4
  GUNICORN_TIMEOUT   seconds before a stuck worker is restarted   60
  GUNICORN_MAX_REQUESTS  requests before a worker is recycled     2000
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Load the application before forking: a configuration error stops the
# start instead of every worker failing on its own.
preload_app = True
# Only the request line's path is logged, never the query string (it may
# hold search terms); no request bodies.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request size limits before Django sees the request.
limit_request_line = 8190
limit_request_fields = 100
