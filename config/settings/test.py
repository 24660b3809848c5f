"""The test suite: PostgreSQL, as production; the project's own (config/postgresql/
embedded.py) unless DATABASE_URL names a server. The suite's database is test_ and the
URL's database name."""

import os

from config.postgresql import embedded

if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = embedded.start()[0]
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("PUBLIC_BASE_URL", "http://testserver")

from .base import *  # noqa: F403

DEBUG = False
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Serve static/ straight from the finders: no collectstatic before the suite.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Jobs run at once, in the request or command that queues them; tests of the worker
# itself use the database backend explicitly.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
JOBS_PROGRESS_DATABASE = "default"
if os.environ.get("SEB_TEST_TASKS") == "database":  # a real worker, in a child process
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    JOBS_PROGRESS_DATABASE = "jobs"
JOBS_ROOT = BASE_DIR / "var" / "test-jobs"  # noqa: F405

# The local backend, unpaced: a round of a thousand messages is sent at once.
NOTIFY_BACKEND = "local"
NOTIFY_MESSAGES_PER_MINUTE = 0
