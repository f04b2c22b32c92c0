"""Victim lists and linkage runs in the case database.

``import_list`` keeps the list file in the evidence store (by SHA-256) and its records in
``list_records`` (the whole row as read in ``data``); importing the same file again under the
same name changes nothing. ``save_run`` stores one linkage run (``linkage_runs``), its scored
pairs (``list_links``, the per-field explanation in ``data``) and clusters (``list_clusters``).
Both log custody (``list-import``, ``link-lists``). ``load_clusters`` is what estimation reads.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.db.schema import linkage_runs, list_clusters, list_links, list_records, lists
from factfinder.linkage.engine import LinkResult
from factfinder.linkage.lists import ListData
from factfinder.store import EvidenceStore, sha256_bytes

RECORD_COLUMNS = ("record_id", "full_name", "given_name", "family_name", "father_name", "sex",
                  "birth_year", "date", "place", "prison", "affiliation")


def import_list(conn: Connection, data: ListData, actor: str,
                store: EvidenceStore | None = None) -> tuple[str, bool]:
    """Store a list (inside ``Database.write()``); returns (list id, whether it was new)."""
    sha = store.put(data.raw) if store is not None and data.raw else (
        sha256_bytes(data.raw) if data.raw else None)
    row = conn.execute(select(lists).where(lists.c.name == data.name)).mappings().first()
    if row is not None and row["original_sha256"] == sha and sha is not None and (
            json.loads(row["mapping"]) == data.mapping):
        return str(row["id"]), False
    if row is not None:  # a new version of the list under the same name replaces the old one
        conn.execute(delete(list_records).where(list_records.c.list_id == row["id"]))
        conn.execute(delete(lists).where(lists.c.id == row["id"]))
    list_id = uuid.uuid4().hex
    conn.execute(insert(lists), {
        "id": list_id, "name": data.name, "original_sha256": sha,
        "mapping": json.dumps(data.mapping, ensure_ascii=False), "records": len(data.records),
        "created_at": custody.utcnow()})
    if data.records:
        conn.execute(insert(list_records), [_record_row(list_id, r) for r in data.records])
    custody.append(conn, "list-import", sha or data.name, actor, {
        "list": data.name, "list_id": list_id, "file": data.path.name if data.path else None,
        "records": len(data.records), "problems": len(data.problems),
        "replaces": row["id"] if row is not None else None})
    return list_id, True


def _record_row(list_id: str, rec: dict[str, Any]) -> dict[str, Any]:
    row = {c: rec.get(c) for c in RECORD_COLUMNS}
    row["record_id"] = str(row["record_id"])[:200]
    row["list_id"] = list_id
    extra = {k: v for k, v in rec.items() if k not in RECORD_COLUMNS and k != "data"}
    row["data"] = json.dumps({"row": rec.get("data", {}), **extra}, ensure_ascii=False,
                             default=str)
    return row


def load_records(conn: Connection, name: str) -> list[dict[str, Any]]:
    """A stored list's records, in the shape ``lists.normalise`` gives."""
    list_id = conn.execute(select(lists.c.id).where(lists.c.name == name)).scalar_one()
    out = []
    for r in conn.execute(select(list_records).where(list_records.c.list_id == list_id)
                          .order_by(list_records.c.pk)).mappings():
        data = json.loads(r["data"])
        rec = {c: r[c] for c in RECORD_COLUMNS}
        rec.update({k: v for k, v in data.items() if k != "row"})
        rec["data"] = data.get("row", {})
        out.append(rec)
    return out


def save_run(conn: Connection, names: list[str], result: LinkResult, actor: str,
             settings: dict[str, Any]) -> str:
    """Store one linkage run (inside ``Database.write()``); returns its id."""
    run_id = uuid.uuid4().hex
    conn.execute(insert(linkage_runs), {
        "id": run_id, "lists": json.dumps(names, ensure_ascii=False),
        "settings": json.dumps({**settings, "model": result.model}, ensure_ascii=False,
                               default=str),
        "created_at": custody.utcnow()})
    links = [{"run_id": run_id, "left_list": r["left_list"], "left_id": r["left_id"],
              "right_list": r["right_list"], "right_id": r["right_id"], "score": r["score"],
              "data": json.dumps(r.get("explanation") or {}, ensure_ascii=False)}
             for r in result.pairs.to_dict("records")]
    if links:
        conn.execute(insert(list_links), links)
    members = [{"run_id": run_id, "cluster_id": r["cluster_id"], "list_name": r["list"],
                "record_id": r["record_id"]} for r in result.clusters.to_dict("records")]
    if members:
        conn.execute(insert(list_clusters), members)
    n_clusters = int(result.clusters["cluster_id"].nunique()) if len(result.clusters) else 0
    custody.append(conn, "link-lists", run_id, actor, {
        "lists": names, "links": len(links), "clusters": n_clusters, **settings})
    return run_id


def latest_run(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(linkage_runs).order_by(linkage_runs.c.pk.desc()).limit(1)
                       ).mappings().first()
    if row is None:
        return None
    return {"id": row["id"], "lists": json.loads(row["lists"]),
            "settings": json.loads(row["settings"]), "created_at": row["created_at"]}


def load_clusters(conn: Connection, run_id: str | None = None) -> list[dict[str, Any]]:
    """Cluster memberships of a run (default: the latest): [{cluster_id, list, record_id}]."""
    if run_id is None:
        latest = latest_run(conn)
        if latest is None:
            return []
        run_id = latest["id"]
    q = (select(list_clusters.c.cluster_id, list_clusters.c.list_name, list_clusters.c.record_id)
         .where(list_clusters.c.run_id == run_id).order_by(list_clusters.c.pk))
    return [{"cluster_id": c, "list": n, "record_id": r} for c, n, r in conn.execute(q)]


def summary(conn: Connection) -> dict[str, Any]:
    """Stored lists with their record counts, and the latest linkage run."""
    out = [{"name": r["name"], "id": r["id"], "records": r["records"],
            "original_sha256": r["original_sha256"], "mapping": json.loads(r["mapping"]),
            "created_at": r["created_at"]}
           for r in conn.execute(select(lists).order_by(lists.c.name)).mappings()]
    latest = latest_run(conn)
    if latest is not None:
        latest["links"] = conn.execute(select(func.count()).select_from(list_links)
                                       .where(list_links.c.run_id == latest["id"])).scalar_one()
        latest["clusters"] = conn.execute(
            select(func.count(func.distinct(list_clusters.c.cluster_id)))
            .where(list_clusters.c.run_id == latest["id"])).scalar_one()
    return {"lists": out, "latest_run": latest}
