"""Intake end to end: documents, custody, idempotence, bad input, near-duplicates."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select, text

from factfinder import custody
from factfinder.db.schema import documents, originals
from factfinder.documents import list_documents
from factfinder.intake.normalize import OffsetMap
from factfinder.intake.types import Limits
from factfinder.search import search
from factfinder.verify import verify

ARTICLE = (
    "Families gathered outside the provincial court on Monday to demand the names of those "
    "executed in the prison during the summer. The mothers carried photographs of their sons "
    "and daughters and read out a list of the missing. Security forces detained several of "
    "them for a few hours and released them late in the evening without charge. A spokesman "
    "for the families said they would return every week until the authorities answered."
)


def _counts(case) -> tuple[int, int, int]:
    with case.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(originals)).scalar_one(),
            conn.execute(select(func.count()).select_from(documents)).scalar_one(),
            custody.count(conn),
        )


def test_folder_ingest_keeps_originals_and_logs_custody(case, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "sub" / "b.md").write_text("# Statement\n\nThe ministry denied the reports.\n")
    (folder / ".hidden").write_text("skip me")
    report = case.ingest(folder)
    assert report.ok and report.originals == 2 and len(report.added) == 2
    with case.db.read() as conn:
        rows = conn.execute(select(originals)).mappings().all()
        actions = [e.action for e in custody.entries(conn)]
    assert {r["filename"] for r in rows} == {"a.txt", "b.md"}
    for r in rows:
        assert case.store.get(r["sha256"]) == (folder / ("sub" if r["filename"] == "b.md" else "")
                                                / r["filename"]).read_bytes()
        assert r["collector"] == "tester" and r["collected_at"].endswith("Z")
    assert actions == ["collect", "extract", "collect", "extract"]
    assert verify(case.db, case.store).ok


def test_reingesting_the_same_bytes_adds_only_a_custody_entry(case, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE)
    case.ingest(f)
    before = _counts(case)
    copy = tmp_path / "copy-of-a.txt"
    copy.write_bytes(f.read_bytes())
    report = case.ingest(f, copy)
    after = _counts(case)
    assert report.known == 2 and not report.added
    assert after[:2] == before[:2] and after[2] == before[2] + 2
    with case.db.read() as conn:
        last = custody.entries(conn)[-1]
    assert last.action == "collect-again" and last.details["name"].endswith("copy-of-a.txt")


def test_text_offsets_point_into_the_original(case, tmp_path):
    f = tmp_path / "p.txt"
    raw = "Report\r\n\r\nThe  commission  met in   Evin prison.\r\nيك line\u200b here.\n"
    f.write_text(raw, encoding="utf-8", newline="")
    case.ingest(f)
    with case.db.read() as conn:
        doc = conn.execute(select(documents)).mappings().one()
    omap = OffsetMap.loads(doc["offset_map"])
    original = case.store.get(doc["original_sha256"]).decode("utf-8")
    i = doc["text"].index("Evin prison")
    s, e = omap.span_to_source(i, i + len("Evin prison"))
    assert original[s:e] == "Evin prison"
    assert "یک" in doc["text"]  # Arabic yeh/kaf folded to Persian


def _zip_bomb_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):
                member.write(chunk)
    return buf.getvalue()


def test_bad_inputs_are_rejected_one_line_each_and_the_run_goes_on(case, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>>\n%%garbage")
    (folder / "bomb.docx").write_bytes(_zip_bomb_docx())
    (folder / "big.txt").write_bytes(b"word " * 50_000)
    # Windows-1256 has no Persian yeh or digits: such files carry the Arabic ي, which
    # normalisation folds to the Persian ی.
    persian = "اعدام زندانیان سیاسی در تابستان 1367 در زندان‌های کشور ادامه یافت. " * 5
    (folder / "farsi-1256.txt").write_bytes(persian.replace("ی", "ي").encode("cp1256"))
    limits = Limits(max_file_bytes=200_000, max_unpacked_bytes=10_000_000)
    report = case.ingest(folder, "http://127.0.0.1:9/unreachable", limits=limits)
    rejected = {r.name.rsplit("/", 1)[-1]: r.reason for r in report.rejected}
    assert set(rejected) == {"empty.txt", "junk.bin", "corrupt.pdf", "bomb.docx", "big.txt",
                             "unreachable"}, rejected
    assert all(reason and "\n" not in reason for reason in rejected.values())
    assert "empty" in rejected["empty.txt"]
    assert "limit" in rejected["big.txt"]
    assert "zip bomb" in rejected["bomb.docx"] or "unpack" in rejected["bomb.docx"]
    assert report.originals == 2  # good.txt and the Windows-1256 Persian text
    with case.db.read() as conn:
        texts = [r[0] for r in conn.execute(select(documents.c.text))]
        rejects = custody.entries(conn, action="reject")
    assert any("زندانیان سیاسی" in t for t in texts)
    assert len(rejects) == 6 and all(e.details["reason"] for e in rejects)
    assert verify(case.db, case.store).ok


def test_a_200_mb_file_is_rejected_before_it_is_read(case, tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 200 MB to the file system, no disk used
        fh.truncate(200 * 1024 * 1024)
    (tmp_path / "ok.txt").write_text(ARTICLE)
    report = case.ingest(big, tmp_path / "ok.txt")  # default limits: 100 MB
    assert [r.name.rsplit("/", 1)[-1] for r in report.rejected] == ["huge.txt"]
    assert "200.0 MB" in report.rejected[0].reason and "100 MB" in report.rejected[0].reason
    assert report.originals == 1


def test_reposts_share_a_duplicate_group(case, tmp_path):
    (tmp_path / "one.txt").write_text("Original report\n\n" + ARTICLE)
    (tmp_path / "two.txt").write_text("Republished from another site\n\n" + ARTICLE
                                      + " Please share.")
    (tmp_path / "three.txt").write_text("Unrelated\n\n" + " ".join(
        f"A different account of another event number {i}." for i in range(20)))
    case.ingest(tmp_path / "one.txt", tmp_path / "two.txt", tmp_path / "three.txt")
    with case.db.read() as conn:
        docs = {d["filename"]: d for d in list_documents(conn)}
    assert docs["one.txt"]["duplicate_group"] == docs["one.txt"]["id"]
    assert docs["two.txt"]["duplicate_group"] == docs["one.txt"]["id"]
    assert docs["three.txt"]["duplicate_group"] is None


def test_search_finds_ranked_snippets(case, tmp_path):
    (tmp_path / "a.txt").write_text("Court hearing\n\n" + ARTICLE)
    (tmp_path / "b.txt").write_text("Pour-Mohammadi statement\n\nThe former minister "
                                    "Pour-Mohammadi defended the executions in an interview.")
    case.ingest(tmp_path / "a.txt", tmp_path / "b.txt")
    res = search(case.db, "mothers photographs")
    assert res.total == 1 and res.hits[0]["filename"] == "a.txt"
    hit = res.hits[0]
    marked = [hit["snippet"][s:e].lower() for s, e in hit["highlights"]]
    assert "mothers" in marked and "photographs" in marked
    assert search(case.db, "Pour-Mohammadi").hits[0]["filename"] == "b.txt"
    assert search(case.db, '"defended the executions"').total == 1
    assert search(case.db, "executions -minister").total == 1  # only a.txt
    assert search(case.db, "nonexistentword").total == 0
    assert search(case.db, "  ").total == 0
    assert search(case.db, '"unbalanced').total == 0


def test_json_listing_keys(case, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    case.ingest(tmp_path / "a.txt")
    with case.db.read() as conn:
        doc = list_documents(conn)[0]
        meta = json.loads(conn.execute(text("SELECT meta FROM documents")).scalar_one())
    for key in ("id", "sha256", "title", "url", "published", "parent_id", "duplicate_group",
                "chars"):
        assert key in doc
    assert doc["chars"] == len(ARTICLE) and isinstance(meta, dict)
