"""Fail loudly when the PostgreSQL used by the test suite cannot be reached."""

import sys

import psycopg

url = sys.argv[1]
try:
    with psycopg.connect(url, connect_timeout=5) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
except psycopg.Error as exc:
    print(f"PostgreSQL is unreachable at {url}: {exc}".strip(), file=sys.stderr)
    print(
        "The suite runs every database test on PostgreSQL too. Start it, set "
        "TRIBUNE_TEST_POSTGRES_URL, or (outside CI only) TRIBUNE_SKIP_POSTGRES=1.",
        file=sys.stderr,
    )
    sys.exit(1)
print(f"PostgreSQL {version} reachable for the test suite.")
