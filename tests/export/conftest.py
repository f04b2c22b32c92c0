"""One small case for the export tests, built once for the package: three documents (a
witness's testimony, a monitor's report, and a web submission, protected), extraction and
entity resolution as the CLI runs them, the sample lists linked, and the witness marked
protected."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.db import Database
from factfinder.db.schema import documents, entities

from ..conftest import SAMPLE

LISTS = [str(SAMPLE / "lists" / f"list_{x}.csv") for x in "abc"]
WITNESS = "Parvaneh Sohrabi"  # protected by the analyst
SUBMITTER = "Leila Moradi"  # only named in the protected submission

TESTIMONY = f"""Witness testimony of {WITNESS}

{WITNESS} told the Arvestan Human Rights Documentation Centre that on 5 August 1988 guards \
executed Kamran Azarnoush and Reza Gholami in Golvar. "They took them away at night," \
{WITNESS} said.
She said that at least 30 prisoners were executed in Golvar that week.
"""
REPORT = """Monthly report, Azadi Watch

On 2 September 2023 security forces arrested Jafar Kermani in Sarvand. Witnesses said \
Revolutionary Guards beat Jafar Kermani during the arrest.
Kamran Azarnoush was executed in 1988, his family said.
"""
SUBMISSION = f"""My brother Hossein Moradi was arrested in Dezhkan in 1988 and never came back.
{SUBMITTER}
"""


@dataclass
class ExportCase:
    db: Database
    url: str
    evidence: Path
    root: Path
    witness_id: str
    submission_id: str

    def run(self, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
        res = CliRunner().invoke(cli, ["export", *args, "--db", self.url, "--evidence",
                                       str(self.evidence), "--actor", "exporter"])
        if ok:
            assert res.exit_code == 0, res.output
        return res

    def export(self, fmt: str, name: str, *args: str) -> tuple[Path, dict]:
        out = self.root / name
        res = self.run(fmt, "--out", str(out), "--json", *args)
        return out, json.loads(res.stdout)


def _invoke(*args: str) -> None:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="package")
def xcase(tmp_path_factory: pytest.TempPathFactory) -> ExportCase:
    root = tmp_path_factory.mktemp("export")
    files = {"testimony.txt": TESTIMONY, "report.txt": REPORT, "submission.txt": SUBMISSION}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    url, evidence = f"sqlite:///{root / 'case.db'}", root / "evidence"
    common = ["--db", url, "--evidence", str(evidence), "--actor", "t"]
    _invoke("ingest", *(str(root / n) for n in files), *common, "--quiet")
    _invoke("link", *LISTS, "--out", str(root / "links.csv"), *common)
    db = Database(url)
    with db.write() as conn:  # as factfinder/web/submit.py marks a submission
        doc_id, meta = conn.execute(select(documents.c.id, documents.c.meta).where(
            documents.c.text.like(f"%{SUBMITTER}%"))).one()
        value = {**json.loads(meta or "{}"), "protected": True, "reviewed": False,
                 "submission": "sub-1"}
        conn.execute(update(documents).where(documents.c.id == doc_id).values(
            meta=json.dumps(value, ensure_ascii=False, sort_keys=True)))
    with db.read() as conn:
        witness = conn.execute(select(entities.c.id).where(entities.c.name == WITNESS)
                               ).scalar_one()
    from factfinder.entities.actions import protect

    protect(db, witness, "t")
    return ExportCase(db, url, evidence, root, witness, doc_id)
