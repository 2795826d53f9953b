"""Reports read from a PostgreSQL streaming replica equal the primary's (``casework/routers.py``).

The test builds its own primary and streaming replica in a temporary folder with
the installed PostgreSQL's ``initdb``, ``pg_basebackup`` and ``pg_ctl`` (run as the
``postgres`` user when the suite runs as root), on free ports: the suite's own
server does not accept replication connections. The application side runs in a
process of its own (``tests/replica_scenario.py``), whose settings come from
``DATABASE_URL`` and ``DATABASE_REPLICA_URL`` as in production. Both servers are
stopped and the folder removed whatever happens. See ``docs/deployment.md``,
"Read replica".
"""

import contextlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.test_stats_scenarios import EXPECTED_A1

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a streaming replica is a PostgreSQL feature"
)
needs_server_binaries = pytest.mark.skipif(
    not all((PG_BIN / tool).exists() for tool in ("initdb", "pg_basebackup", "pg_ctl")),
    reason=f"PostgreSQL server binaries (initdb, pg_basebackup, pg_ctl) not found in {PG_BIN} (set PG_BIN)",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """Two PostgreSQL servers in ``folder``: a primary and, once made, its streaming replica."""

    def __init__(self, folder):
        self.folder = folder
        self.started = []
        # root may not run the server: the postgres account does, and owns the folder.
        self.as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)

    def run(self, tool, *args, timeout=300):
        done = subprocess.run(  # noqa: S603  (the installed PostgreSQL's tools)
            [*self.as_server, str(PG_BIN / tool), *args],
            cwd=self.folder,  # a directory the postgres account can enter
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, data, port):
        log = os.path.join(self.folder, f"{os.path.basename(data)}.log")
        options = f"-p {port} -k {self.folder}"
        self.started.append(data)
        try:
            self.run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "120", "start")
        except RuntimeError as error:
            with contextlib.suppress(OSError):
                error.args = (error.args[0] + "\n" + Path(log).read_text(),)
            raise

    def stop_all(self):
        for data in reversed(self.started):
            with contextlib.suppress(Exception):
                self.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "30", "stop")

    def make(self):
        """Initialise and start the primary, copy it with ``pg_basebackup -R``, start the replica."""
        primary, replica = os.path.join(self.folder, "primary"), os.path.join(self.folder, "replica")
        self.run("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with open(os.path.join(primary, "postgresql.conf"), "a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                "wal_level = replica\n"
                "max_wal_senders = 4\n"
                "hot_standby = on\n"
                "fsync = off\n"  # a throwaway server: speed over durability
                "shared_buffers = 32MB\n"
                "max_connections = 30\n"
            )
        with open(os.path.join(primary, "pg_hba.conf"), "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n")
        self.primary_port = free_port()
        self.start(primary, self.primary_port)
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", replica, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        self.replica_port = free_port()
        self.start(replica, self.replica_port)


@pytest.fixture
def streaming_pair():
    # Under /tmp when root, whatever TMPDIR says: the postgres account must be able to reach the folder.
    folder = tempfile.mkdtemp(prefix="casework-replica-", dir="/tmp" if os.geteuid() == 0 else None)  # noqa: S108 (mkdtemp: 0700)
    cluster = Cluster(folder)
    try:
        cluster.make()
        yield cluster
    finally:
        cluster.stop_all()
        shutil.rmtree(folder, ignore_errors=True)


@postgresql_only
@needs_server_binaries
def test_a_return_read_from_the_replica_equals_the_primarys(streaming_pair):
    env = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_NAME", "DATABASE_URL")}
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{streaming_pair.primary_port}/postgres"
    env["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{streaming_pair.replica_port}/postgres"
    done = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, str(ROOT / "tests" / "replica_scenario.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # generous: a shared CI machine may be slow
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["in_recovery"] is True  # the replica alias really is a standby
    for attachment, read in seen["returns"].items():
        # After replay, the report read on the replica equals the primary's, cell by cell.
        assert read["replica"] == read["primary"], f"attachment {attachment}"
        # The report path asked only the replica; pinned to the primary, it never asked the replica.
        assert read["replica_queries"] > 0
        assert read["primary_queries"] == 0
        assert read["replica_queries_when_pinned"] == 0
    # The records are those of the hand-worked scenario, so the figures are the expected ones.
    assert seen["returns"]["1"]["replica"] == EXPECTED_A1
    # A ledger and a bundle export read on the replica are the primary's too.
    assert seen["reports"]["equal"] is True
    assert seen["reports"]["ledger_rows"] > 0 and seen["reports"]["bundle_records"] > 0
    assert seen["reports"]["replica_queries"] > 0
    # Filing computes on the primary only, and files the same figures.
    assert seen["filing"]["replica_queries"] == 0
    assert seen["filing"]["values"] == seen["returns"]["1"]["primary"]
