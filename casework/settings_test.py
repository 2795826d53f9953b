"""Settings of the test suite (``pyproject.toml``): the development configuration.

The project's settings are production-safe by default (DEBUG off, no secret built in), and a
test client speaks plain HTTP to ``testserver``; so the suite turns ``DJANGO_DEBUG`` on before
the settings are read, whatever the shell says, and gets development keys, hosts and cookies.
pytest-django still runs every test with ``settings.DEBUG = False``. The production configuration
is tested in its own processes (``tests/test_deploy_check.py``).
"""

import os

os.environ["DJANGO_DEBUG"] = "1"

from casework.settings import *  # noqa: E402, F403
