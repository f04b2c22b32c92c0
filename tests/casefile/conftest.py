"""A small case for the case-file tests: two short reports about one person (Dariush Karimi),
one quoting his sister (Leila Moradi, a witness who may be protected) and carrying hostile
markup, ingested as the CLI does it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factfinder.cli.main import app as cli

from ..web.hostile import PAYLOADS

ARREST = (
    "Arrested in Sarvand\n\n"
    "Security forces arrested Dariush Karimi in Sarvand on 3 March 1988, the Arvestan Human "
    "Rights Documentation Centre said. His sister Leila Moradi said: \"They took Dariush Karimi "
    "at night and we have not seen him since.\" At least 12 other prisoners were executed in "
    "Sarvand prison that month, according to the centre. " + " ".join(PAYLOADS) + "\n")
TRIAL = (
    "Sentenced without a lawyer\n\n"
    "A revolutionary court in Sarvand sentenced Dariush Karimi to death on 20 July 1988, his "
    "lawyer Bahram Nouri said. \"The trial lasted five minutes,\" Nouri told reporters. The "
    "court did not allow witnesses.\n")
PERSIAN = (
    "اعدام در زندان\n\n"
    "دادگاه انقلاب در سروند داریوش کریمی را در سال ۱۳۶۷ به اعدام محکوم کرد. "
    "Dariush Karimi was sentenced to death in Sarvand in 1988, the centre said.\n")


def invoke(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args))
    if res.exception and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.output


@dataclass
class Small:
    url: str
    evidence: Path
    root: Path
    person: str  # Dariush Karimi
    witness: str  # Leila Moradi

    def opts(self) -> list[str]:
        return ["--db", self.url, "--evidence", str(self.evidence), "--actor", "analyst"]

    def casefile(self, out: Path, *extra: str) -> tuple[int, str]:
        return invoke("casefile", self.person, "--out", str(out), *extra, *self.opts())


def entity_id(url: str, name: str) -> str:
    from factfinder.db import Database
    from factfinder.entities.query import list_entities

    db = Database(url)
    try:
        with db.read() as conn:
            hits = [e["id"] for e in list_entities(conn) if e["name"] == name]
    finally:
        db.close()
    assert len(hits) == 1, (name, hits)
    return hits[0]


def make_small(url: str, evidence: Path, root: Path, persian: bool = False) -> Small:
    src = root / "docs"
    src.mkdir()
    (src / "arrest.txt").write_text(ARREST, encoding="utf-8")
    (src / "trial.txt").write_text(TRIAL, encoding="utf-8")
    if persian:
        (src / "persian.txt").write_text(PERSIAN, encoding="utf-8")
    code, out = invoke("ingest", str(src), "--db", url, "--evidence", str(evidence),
                       "--actor", "collector-1", "--quiet")
    assert code == 0, out
    return Small(url, evidence, root, entity_id(url, "Dariush Karimi"),
                 entity_id(url, "Leila Moradi"))


@pytest.fixture
def small(case) -> Small:
    """On every engine the tests run on (the ``case`` fixture)."""
    return make_small(case.db.url, case.store.root, case.root)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Small, Path, Path]:
    """One case (SQLite) with a case file written as a folder and as a zip, for the tests
    that only read or damage case files (each works on a copy)."""
    root = tmp_path_factory.mktemp("casefile")
    small = make_small(f"sqlite:///{root / 'case.db'}", root / "evidence", root, persian=True)
    folder, zipped = root / "out", root / "out.zip"
    for out in (folder, zipped):
        code, text = small.casefile(out)
        assert code == 0, text
    return small, folder, zipped
