"""``factfinder casefile`` and ``verify-casefile``: round trips, tampering, redaction, custody."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from factfinder import custody
from factfinder.casefile.manifest import verify
from factfinder.db import Database

from ..web.hostile import assert_inert
from .conftest import invoke


def copy(src: Path, dst: Path) -> Path:
    if src.is_dir():
        shutil.copytree(src, dst)
    else:
        shutil.copyfile(src, dst)
    return dst


def verdict(path: Path) -> tuple[int, dict]:
    code, out = invoke("verify-casefile", str(path), "--json")
    return code, json.loads(out)


def flip(path: Path, at: int = 0) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_round_trip_folder_and_zip(built, tmp_path):
    small, folder, zipped = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    paths = [f["path"] for f in manifest["files"]]
    assert "report.html" in paths and "report.pdf" in paths
    originals = [p for p in paths if p.startswith("originals/")]
    assert len(originals) == 3  # the three reports name him
    for f in manifest["files"]:
        if f["role"] == "original":
            assert f["path"].split("/")[1].startswith(f["sha256"])
    assert manifest["subject"]["id"] == small.person
    assert manifest["counts"]["event"] >= 2 and manifest["counts"]["quote"] >= 1
    assert manifest["custody_head"]["seq"] > 0 and len(manifest["custody_head"]["hash"]) == 64
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
    assert names == sorted(names)
    # checked on its own: the case database is gone
    Path(small.url.removeprefix("sqlite:///")).rename(tmp_path / "elsewhere.db")
    try:
        for path in (folder, zipped):
            code, v = verdict(path)
            assert code == 0, v
            assert v["ok"] and v["files_checked"] == len(manifest["files"])
            assert v["subject"]["id"] == small.person
        code, out = invoke("verify-casefile", str(zipped))
        assert code == 0 and "intact" in out
    finally:
        (tmp_path / "elsewhere.db").rename(small.url.removeprefix("sqlite:///"))


def test_one_flipped_byte_is_found_and_named(built, tmp_path):
    _, folder, _ = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    original = next(f["path"] for f in manifest["files"] if f["role"] == "original")
    for n, name in enumerate([original, "report.html", "report.pdf", "manifest.json"]):
        damaged = copy(folder, tmp_path / f"d{n}")
        flip(damaged / name, at=len((damaged / name).read_bytes()) // 2)
        code, v = verdict(damaged)
        assert code == 1, name
        got = [(p["file"], p["problem"]) for p in v["problems"]]
        if name == "manifest.json":  # a changed manifest may also name files it no longer lists
            assert got[0] == (name, "changed"), v
        else:
            assert got == [(name, "changed")], v
        code, out = invoke("verify-casefile", str(damaged))
        assert code == 1 and name in out and "NOT intact" in out


def test_tampered_zip_member_is_named(built, tmp_path):
    _, _, zipped = built
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(zipped) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "report.html":
                data = data.replace(b"Case file", b"Case fild", 1)
            dst.writestr(info, data)
    code, v = verdict(bad)
    assert code == 1
    assert [(p["file"], p["problem"]) for p in v["problems"]] == [("report.html", "changed")]


def test_extra_and_missing_files_are_reported(built, tmp_path):
    _, folder, _ = built
    damaged = copy(folder, tmp_path / "x")
    (damaged / "originals" / "planted.txt").write_text("not from the case", encoding="utf-8")
    (damaged / "report.pdf").unlink()
    code, v = verdict(damaged)
    assert code == 1
    got = {(p["file"], p["problem"]) for p in v["problems"]}
    assert got == {("originals/planted.txt", "unlisted"), ("report.pdf", "missing")}


def test_rewritten_manifest_without_its_hash_fails(built, tmp_path):
    _, folder, _ = built
    damaged = copy(folder, tmp_path / "m")
    (damaged / "report.html").write_text("<p>forged</p>", encoding="utf-8")
    m = json.loads((damaged / "manifest.json").read_text(encoding="utf-8"))
    for f in m["files"]:  # the forger updates the manifest too, but not manifest.sha256
        if f["path"] == "report.html":
            import hashlib

            f["sha256"] = hashlib.sha256(b"<p>forged</p>").hexdigest()
            f["bytes"] = 13
    (damaged / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    assert [p.file for p in verify(damaged).problems] == ["manifest.json"]
    (damaged / "manifest.sha256").unlink()
    assert [p.problem for p in verify(damaged).problems] == ["missing"]
    assert not verify(tmp_path / "nothing-here").ok


def test_hostile_text_stays_escaped(built):
    _, folder, _ = built
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert_inert(html)
    assert "<script" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "http://" not in html.split("</head>")[0]


def test_export_is_a_custody_entry(small, tmp_path):
    code, out = small.casefile(tmp_path / "cf.zip", "--json")
    assert code == 0, out
    res = json.loads(out)
    db = Database(small.url)
    try:
        with db.read() as conn:
            logged = custody.entries(conn, action="casefile")
            assert not custody.verify_chain(conn, small.evidence)
    finally:
        db.close()
    assert len(logged) == 1
    e = logged[0]
    assert e.object == small.person and e.actor == "analyst"
    assert e.details["manifest_sha256"] == res["manifest_sha256"]
    assert e.details["files"] == res["files"]
    assert e.details["custody_head"]["seq"] == e.seq - 1
    assert verdict(tmp_path / "cf.zip")[1]["manifest_sha256"] == res["manifest_sha256"]


def _all_text(path: Path) -> str:
    """Every file of a case file as text (the PDF's extracted text included)."""
    from pypdf import PdfReader

    parts = []
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        parts.append(f.relative_to(path).as_posix())
        if f.suffix == ".pdf":
            parts.extend(page.extract_text() for page in PdfReader(f).pages)
        else:
            parts.append(f.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_protected_witness_is_redacted_or_marked(small, tmp_path):
    from factfinder.entities.actions import protect

    # a page naming her only in its markup (not in the text read from it)
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Arrest in Sarvand</title></head><body><article><p>"
                    "Dariush Karimi was arrested in Sarvand in 1988, the centre said. He was "
                    "held for months without charge.</p></article><!-- source: Leila Moradi -->"
                    "</body></html>", encoding="utf-8")
    code, out = invoke("ingest", str(page), *small.opts(), "--quiet")
    assert code == 0, out
    db = Database(small.url)
    try:
        protect(db, small.witness, "analyst", reason="witness")
    finally:
        db.close()
    code, out = small.casefile(tmp_path / "red")
    assert code == 0, out
    text = _all_text(tmp_path / "red")
    assert "Moradi" not in text and "Leila" not in text
    assert "Dariush Karimi" in text and "█" * len("Leila Moradi") in text
    m = json.loads((tmp_path / "red" / "manifest.json").read_text(encoding="utf-8"))
    assert m["include_protected"] is False
    assert len(m["withheld"]) == 2  # the report quoting her, the page naming her in markup
    assert all("protected person" in w["reason"] for w in m["withheld"])
    for w in m["withheld"]:
        assert not list((tmp_path / "red" / "originals").glob(w["sha256"] + "*"))
    assert verdict(tmp_path / "red")[0] == 0

    code, out = small.casefile(tmp_path / "vis", "--include-protected")
    assert code == 0, out
    m = json.loads((tmp_path / "vis" / "manifest.json").read_text(encoding="utf-8"))
    assert m["include_protected"] is True and m["withheld"] == []
    assert len(list((tmp_path / "vis" / "originals").glob("*"))) == 3
    html = (tmp_path / "vis" / "report.html").read_text(encoding="utf-8")
    assert '<mark class="protected" title="protected person">Leila Moradi' in html
    assert "Protected persons named here: Leila Moradi\n" in _all_text(tmp_path / "vis")

    code, out = invoke("casefile", small.witness, "--out", str(tmp_path / "w"), *small.opts())
    assert code == 1 and "protected" in out and not (tmp_path / "w").exists()
    code, out = invoke("casefile", small.witness, "--out", str(tmp_path / "w"),
                       "--include-protected", *small.opts())
    assert code == 0, out


def test_event_subject_and_errors(small, tmp_path):
    code, out = invoke("events", "--db", small.url, "--json")
    event = next(e for e in json.loads(out) if e["type"] == "sentencing"
                 and "Dariush" in e["text"])
    code, out = invoke("casefile", event["id"][:8], "--out", str(tmp_path / "ev"), "--json",
                       *small.opts())
    assert code == 0, out
    res = json.loads(out)
    assert res["subject"]["kind"] == "event" and res["items"]["event"] == 1
    code, out = invoke("casefile", "ffffffffffff", "--out", str(tmp_path / "no"),
                       *small.opts())
    assert code == 1 and "no entity and no event" in out
    code, out = small.casefile(tmp_path / "ev")  # never over an existing case file
    assert code == 1 and "already exists" in out


def test_manifest_pointing_outside_is_refused(built, tmp_path):
    import hashlib

    _, folder, _ = built
    damaged = copy(folder, tmp_path / "u")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    m = json.loads((damaged / "manifest.json").read_text(encoding="utf-8"))
    m["files"].append({"path": "../secret.txt", "sha256": "0" * 64, "bytes": 7,
                       "role": "original"})
    raw = json.dumps(m).encode("utf-8")
    (damaged / "manifest.json").write_bytes(raw)
    (damaged / "manifest.sha256").write_text(
        f"{hashlib.sha256(raw).hexdigest()}  manifest.json\n", encoding="ascii")
    problems = verify(damaged).problems
    assert [(p.file, p.problem) for p in problems] == [("../secret.txt", "unsafe")]
    (tmp_path / "not.zip").write_bytes(b"PK\x03\x04 but not a zip")
    assert [p.problem for p in verify(tmp_path / "not.zip").problems] == ["unreadable"]
