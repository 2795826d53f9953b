"""Where the keys for personal data at rest come from.

Production sets ``CASEWORK_ENCRYPTION_KEYS`` (comma-separated Fernet keys, the
first one encrypts, all of them decrypt, which is how keys are rotated) and
``CASEWORK_BLIND_INDEX_KEY``. A development checkout with ``DEBUG`` on gets a
key file of its own, ``.local-keys.json`` (ignored by git), made on first use.

The file lives in the project root, beside ``manage.py``: no URL serves that
directory (static files come from ``static/`` and ``staticfiles/`` only, and
there are no media files), and an existing checkout keeps reading its data.
It is readable by its owner only (0600) from the moment it exists: it is
written under a temporary name created 0600, then hard-linked into place.
"""

import base64
import json
import os
import secrets
import sys

from django.core.exceptions import ImproperlyConfigured

LOCAL_KEY_FILE = ".local-keys.json"


def _new_keys():
    return {
        "encryption_keys": [base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()],
        "blind_index_key": secrets.token_hex(32),
    }


def _local_keys(base_dir):
    path = base_dir / LOCAL_KEY_FILE
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)  # left by a crashed start with the same process id
        # Created 0600 (a umask only takes permissions away), so no moment with wider ones.
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(json.dumps(_new_keys()))
            # Two processes starting at once: the first one's file wins.
            os.link(tmp, path)
            print(
                f"WARNING: no CASEWORK_ENCRYPTION_KEYS set; generated development keys in {path}.",
                file=sys.stderr,
            )
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    if path.stat().st_mode & 0o077:
        # A file made before it was created 0600: others lose their access to it now.
        path.chmod(0o600)
    return json.loads(path.read_text())


def load(base_dir, *, debug):
    """Return ``(encryption_keys, blind_index_key)`` from the environment or the local file."""
    encryption = [k.strip() for k in os.environ.get("CASEWORK_ENCRYPTION_KEYS", "").split(",") if k.strip()]
    blind = os.environ.get("CASEWORK_BLIND_INDEX_KEY", "").strip()
    if encryption and blind:
        return encryption, blind
    if not debug:
        raise ImproperlyConfigured(
            "CASEWORK_ENCRYPTION_KEYS and CASEWORK_BLIND_INDEX_KEY must be set when DJANGO_DEBUG is off."
        )
    local = _local_keys(base_dir)
    return encryption or local["encryption_keys"], blind or local["blind_index_key"]
