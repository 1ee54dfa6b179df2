#!/usr/bin/env python3
"""Keep a local SQLite copy of what your organisation sees in Zlagoda, with the change feed.

    ZLAGODA_KEY=zlg_... python3 partner_sync.py https://zlagoda.example.org copy.sqlite3

Standard library only (Python 3.9 or later). Run it as often as you like, e.g. every five
minutes from cron: the first run copies every record you may see, each later run only what
changed since, deletions and records that left your communities included. The copy is one
table, ``records(collection, id, record)``, with each record as JSON exactly as the API shows it
(``SELECT json_extract(record, '$.title') FROM records WHERE collection = 'incidents'``).

The position in the feed is stored in the same SQLite transaction as the records of each page,
so a run killed half-way resumes where it stopped and never applies a change twice or skips one.
"""

import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PAGE_SIZE = 500
# Waits on 429 (too many requests) and 503 (the portal is briefly unavailable).
MAX_WAITS = 10


def open_copy(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS records ("
            " collection TEXT NOT NULL, id INTEGER NOT NULL, record TEXT NOT NULL, PRIMARY KEY (collection, id))"
        )
        connection.execute("CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    return connection


def get_json(url: str, key: str) -> dict:
    """GET ``url`` with the key; waits as the portal asks (Retry-After) on 429 and 503."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
    for _attempt in range(MAX_WAITS):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code not in (429, 503):
                detail = error.read().decode("utf-8", "replace")[:500]
                raise SystemExit(f"{url}: HTTP {error.code}: {detail}") from None
            time.sleep(min(int(error.headers.get("Retry-After") or 5), 300))
    raise SystemExit(f"{url}: still unavailable after {MAX_WAITS} waits")


def sync(base_url: str, key: str, path: str) -> int:
    """Bring the copy at ``path`` up to date; the number of changes applied."""
    connection = open_copy(path)
    row = connection.execute("SELECT value FROM state WHERE name = 'cursor'").fetchone()
    cursor = row[0] if row else ""
    applied = 0
    while True:
        query = {"page_size": PAGE_SIZE, **({"since": cursor} if cursor else {})}
        page = get_json(f"{base_url.rstrip('/')}/api/v1/changes/?{urllib.parse.urlencode(query)}", key)
        with connection:  # one transaction per page: its changes and the new position
            for item in page["results"]:
                if item["change"] in ("create", "update"):
                    connection.execute(
                        "INSERT OR REPLACE INTO records (collection, id, record) VALUES (?, ?, ?)",
                        (item["collection"], item["id"], json.dumps(item["record"], ensure_ascii=False)),
                    )
                else:  # delete, or exit: the record left what you may see
                    connection.execute(
                        "DELETE FROM records WHERE collection = ? AND id = ?", (item["collection"], item["id"])
                    )
            cursor = page["next_cursor"]
            connection.execute("INSERT OR REPLACE INTO state (name, value) VALUES ('cursor', ?)", (cursor,))
        applied += len(page["results"])
        if not page["has_more"]:
            break
    connection.close()
    return applied


def main() -> None:
    if len(sys.argv) != 3 or "ZLAGODA_KEY" not in os.environ:
        raise SystemExit("usage: ZLAGODA_KEY=<your API key> partner_sync.py <portal URL> <copy.sqlite3>")
    applied = sync(sys.argv[1], os.environ["ZLAGODA_KEY"], sys.argv[2])
    print(f"{applied} changes applied")


if __name__ == "__main__":
    main()
