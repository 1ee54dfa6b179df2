"""A partner's copy, kept the two ways the API offers: a full pull of every collection, and the
change feed applied to a dict."""

from api.changes import COLLECTIONS


def full_pull(client) -> dict[tuple[str, int], dict]:
    copy = {}
    for name in COLLECTIONS:
        url = f"/api/v1/{name}/?page_size=500"
        while url:
            response = client.get(url)
            assert response.status_code == 200, (url, response.content[:300])
            body = response.json()
            copy.update({(name, row["id"]): row for row in body["results"]})
            url = body["next"]
    return copy


def follow(client, copy: dict, cursor: str = "", page_size: int = 500) -> tuple[str, list[dict]]:
    """Apply the feed after ``cursor`` to ``copy``; the new cursor and the items read."""
    seen = []
    while True:
        query = {"page_size": page_size, **({"since": cursor} if cursor else {})}
        response = client.get("/api/v1/changes/", query)
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        for item in body["results"]:
            key = (item["collection"], item["id"])
            if item["change"] in ("create", "update"):
                copy[key] = item["record"]
            else:
                copy.pop(key, None)
        seen.extend(body["results"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return cursor, seen


def differences(copy: dict, truth: dict) -> dict:
    """What differs between a copy and a full pull: per record, the fields that differ (a record
    missing on one side shows all its fields against None)."""
    found = {}
    for key in copy.keys() | truth.keys():
        mine, theirs = copy.get(key) or {}, truth.get(key) or {}
        fields = {name: (mine.get(name), theirs.get(name)) for name in mine.keys() | theirs.keys()}
        fields = {name: pair for name, pair in fields.items() if pair[0] != pair[1]}
        if fields or (key in copy) != (key in truth):
            found[key] = fields
    return found
