"""A small case for the ledger tests, built on every engine (the ``case`` fixture): a few
documents about one death toll in different words, a repost, a quoting article, and a monthly
protest report."""

from __future__ import annotations

from pathlib import Path

import pytest

from factfinder.entities.resolve import resolve_entities
from factfinder.extract.runner import run_extraction
from tests.conftest import Case

PARA = ("Families of the victims still do not know where their loved ones are buried, and the "
        "authorities have never published any list of names or any official figure for the "
        "executions carried out in the prisons of the country during that summer.")

DOCS = {
    "statement.txt": (
        "Statement of the Justice Committee\n\n"
        "In the summer of 1988, more than 30,000 political prisoners were executed in the "
        "prisons of Arvestan on the basis of a secret order. " + PARA + "\n"),
    "repost.txt": (
        "Repost: Statement of the Justice Committee\n\n"
        "In the summer of 1988, more than 30,000 political prisoners were executed in the "
        "prisons of Arvestan on the basis of a secret order. " + PARA + "\n"),
    "memoir.txt": (
        "From the memoir of a former official\n\n"
        "I believe that about 3,000 prisoners were executed in the whole country in 1988. "
        "Nobody counted them one by one.\n"),
    "report.txt": (
        "Monthly report\n\n"
        "The Arvestan Rights Centre said that between 5,000 and 7,000 prisoners were executed "
        "in 1988. At least 41 protests took place in 17 cities in August 2023.\n"),
}


def build(case: Case, folder: Path, docs: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (docs or DOCS).items():
        (folder / name).write_text(text, encoding="utf-8")
    case.ingest(folder)
    run_extraction(case.db, actor="tester", jobs=1)
    resolve_entities(case.db, "tester")


@pytest.fixture
def small(case: Case, tmp_path: Path) -> Case:
    build(case, tmp_path / "docs")
    return case
