"""The submission form for families and witnesses (``/submit``, ``/api/submit``) and the list of
submissions for investigators (``/submissions``, ``/api/submissions``).

A submission is a description (required), optional names, dates and places, and up to
``MAX_FILES`` files (``MAX_BYTES`` in all). It is taken in through the library's intake
(``intake.pipeline.Ingestor``, collector ``submission``) into the app's evidence store: the
form's text as one text original, each file as an original of its own, each with its sha256. Every
document it makes is marked protected and unreviewed in its ``meta`` JSON (``"protected": true,
"reviewed": false``, no migration) and left out of lists, search and document views for roles
that may not see protected persons. One ``submission-received`` custody entry names the user
(or ``anonymous``) and the originals; the client's address is never recorded. Each client
address may send ``RATE_LIMIT`` submissions an hour (429 after that).

Multipart forms are parsed with the standard library's ``email`` parser (the body has already
been read, and bounded, by the access middleware), so no multipart dependency is needed.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import documents
from factfinder.store import EvidenceStore
from factfinder.web.auth import client_address, current_user, rate_limit, require_protected

MAX_FILES = 5
MAX_BYTES = 20 * 1024 * 1024
MAX_FIELD_CHARS = {"description": 50_000, "names": 5_000, "dates": 2_000, "places": 5_000}
RATE_LIMIT = (5, 3600)  # submissions per client address, per seconds
COLLECTOR = "submission"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

router = APIRouter()


def install(app: FastAPI) -> None:
    """Add the submission routes to ``app`` (and say so, for the navigation links)."""
    app.include_router(router)
    app.state.submissions = True


class Invalid(ValueError):
    """The form is not acceptable: 400 (413 for too much), with the reason."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# --- parsing ---------------------------------------------------------------------------------

def parse_form(body: bytes, content_type: str) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """Text fields and files (name, bytes) of a URL-encoded or multipart form."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace"), max_num_fields=50)
        return {k: v[0] for k, v in values.items() if v}, []
    if kind != "multipart/form-data":
        raise Invalid("send the form as multipart/form-data")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    msg = BytesParser(policy=HTTP).parsebytes(head + body)
    if not isinstance(msg, EmailMessage) or not msg.is_multipart():
        raise Invalid("the form could not be read")
    fields: dict[str, str] = {}
    files: list[tuple[str, bytes]] = []
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if name == "files" and (filename or data):
                files.append((filename, data))
        elif name not in fields:
            fields[name] = data.decode("utf-8", "replace")
    return fields, files


def check(fields: dict[str, str], files: list[tuple[str, bytes]]) -> dict[str, str]:
    out = {k: fields.get(k, "").replace("\r\n", "\n").strip() for k in MAX_FIELD_CHARS}
    if not out["description"]:
        raise Invalid("a description is required")
    for k, n in MAX_FIELD_CHARS.items():
        if len(out[k]) > n:
            raise Invalid(f"{k}: at most {n:,} characters")
    if len(files) > MAX_FILES:
        raise Invalid(f"at most {MAX_FILES} files")
    if sum(len(d) for _, d in files) > MAX_BYTES:
        raise Invalid(f"at most {MAX_BYTES // (1024 * 1024)} MB of files in all", 413)
    return out


# --- storing ---------------------------------------------------------------------------------

def _text(sid: str, values: dict[str, str]) -> str:
    lines = [f"Submission {sid} (unreviewed)", "", values["description"], ""]
    for k in ("names", "dates", "places"):
        if values[k]:
            lines += [f"{k.capitalize()}: {values[k]}"]
    return "\n".join(lines).rstrip() + "\n"


def store_submission(db: Database, store: EvidenceStore, values: dict[str, str],
                     files: list[tuple[str, bytes]], actor: str) -> dict[str, Any]:
    """Take the submission in through the intake, mark its documents protected and unreviewed,
    and log ``submission-received``. Returns its id, documents and originals."""
    from factfinder.intake.pipeline import IngestOptions, Ingestor

    sid = secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="ff-submission-") as tmp:
        root = Path(tmp)
        paths = [root / "0" / f"submission-{sid}.txt"]
        paths[0].parent.mkdir()
        paths[0].write_text(_text(sid, values), encoding="utf-8")
        for i, (name, data) in enumerate(files, 1):
            safe = SAFE_NAME.sub("_", Path(name.replace("\\", "/")).name)[:100].strip("._")
            path = root / str(i) / (safe or f"file-{i}")
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        originals = [custody_sha(p) for p in paths]
        report = Ingestor(db, store, IngestOptions(collector=COLLECTOR)).run(
            [str(p) for p in paths])
        # a file the intake cannot read (a photo: no OCR yet) is evidence all the same: its
        # bytes are kept in the store, named by sha256 in the custody entry
        unread = []
        for p, sha in zip(paths, originals, strict=True):
            if not store.has(sha):
                store.put(p.read_bytes())
                unread.append(sha)
    mark = {"protected": True, "reviewed": False, "submission": sid}
    with db.write() as conn:
        # only the documents it added: a file the case already holds stays as it was
        rows = conn.execute(select(documents.c.pk, documents.c.meta).where(
            documents.c.id.in_(report.added))).all()
        for pk, meta in rows:
            value = {**json.loads(meta or "{}"), **mark}
            conn.execute(update(documents).where(documents.c.pk == pk).values(
                meta=json.dumps(value, ensure_ascii=False, sort_keys=True)))
        ids = list(report.added)
        entry = custody.append(conn, "submission-received", sid, actor, {
            "originals": originals, "documents": ids, "files": len(files),
            "unread": unread, "rejected": [r.reason for r in report.rejected]})
        seq, digest = entry.seq, entry.hash
    custody.write_head_file(store.root, seq, digest)
    return {"submission": sid, "documents": ids, "originals": originals, "unread": unread}


def custody_sha(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_submissions(conn: Any) -> list[dict[str, Any]]:
    """Submissions, newest first: their custody entry and documents (protected)."""
    from factfinder.documents import get_document

    out = []
    for e in reversed(custody.entries(conn, action="submission-received")):
        docs: list[dict[str, Any]] = []
        for i in e.details.get("documents", []):
            d = get_document(conn, i)
            if d is not None:
                docs.append({k: d[k] for k in ("id", "title", "kind", "chars", "text")}
                            | {"filename": d["original"]["filename"],
                               "sha256": d["original"]["sha256"],
                               "protected": (d["meta"] or {}).get("protected") is True})
        out.append({"submission": e.object, "received": e.at, "by": e.actor,
                    "files": e.details.get("files", 0), "originals": e.details.get(
                        "originals", []), "unread": e.details.get("unread", []),
                    "documents": docs})
    return out


# --- routes ----------------------------------------------------------------------------------

def _render(request: Request, name: str, context: dict[str, Any], status: int = 200
            ) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context,
                                                        status_code=status)


def _form_page(request: Request, status: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"error": None, "done": None, "values": {}, "max_files": MAX_FILES,
              "max_mb": MAX_BYTES // (1024 * 1024)}
    values.update(context)
    return _render(request, "submit.html", values, status)


async def _take(request: Request) -> dict[str, Any]:
    """Rate limit, parse, check and store; raises Invalid or HTTPException(429)."""
    if not rate_limit(f"submit:{client_address(request)}", *RATE_LIMIT):
        raise HTTPException(429, "too many submissions from this address: try again later",
                            headers={"Retry-After": str(RATE_LIMIT[1])})
    body = await request.body()
    fields, files = parse_form(body, request.headers.get("content-type", ""))
    values = check(fields, files)
    user = current_user(request)
    return await run_in_threadpool(store_submission, request.app.state.db,
                                   request.app.state.store, values, files,
                                   user.username if user else "anonymous")


@router.get("/submit", response_class=HTMLResponse)
def submit_page(request: Request) -> Response:
    return _form_page(request)


@router.post("/submit", response_class=HTMLResponse)
async def submit_form(request: Request) -> Response:
    try:
        out = await _take(request)
    except Invalid as exc:
        return _form_page(request, exc.status, error=str(exc))
    except HTTPException as exc:
        return _form_page(request, exc.status_code, error=str(exc.detail))
    return _form_page(request, done=out["submission"])


@router.post("/api/submit", tags=["submissions"])
async def api_submit(request: Request) -> Response:
    """Send a submission (multipart: ``description``, optional ``names``, ``dates``,
    ``places``, up to 5 ``files``, 20 MB in all). Stored protected and unreviewed."""
    try:
        out = await _take(request)
    except Invalid as exc:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)
    # the submitter learns only that it arrived (and its id), not where it is stored
    return JSONResponse({"submission": out["submission"], "received": True,
                         "files": len(out["originals"]) - 1}, status_code=201)


@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(request: Request) -> Response:
    require_protected(request)
    with request.app.state.db.read() as conn:
        rows = list_submissions(conn)
    return _render(request, "submissions.html", {"submissions": rows})


@router.get("/api/submissions", tags=["submissions"])
def api_submissions(request: Request) -> list[dict[str, Any]]:
    """Submissions, newest first, with their documents (admins and investigators only)."""
    require_protected(request)
    with request.app.state.db.read() as conn:
        return list_submissions(conn)
