"""The facet tables (entity_documents, event_documents) always say what the base tables say:
after ingest, re-extraction of some kinds, analysts' decisions, and a migration from 0005."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.entities import actions
from factfinder.entities.query import list_entities

A = ("Kazem Sarabi was arrested in Sarvand in 2019. Guards executed 30 prisoners at "
     "Ghasr-e Sorkh Prison in Sarvand in 1988, the centre said.\n")
B = ("Kasem Sarabi was detained in Sarvand in 2020. Leila Moradi said that 45 prisoners were "
     "executed in Sarvand in 1988 and that guards tortured others.\n")

ENTITY_TRUTH = ("SELECT DISTINCT d.pk, e.pk FROM entity_mentions em "
                "JOIN documents d ON d.id = em.document_id JOIN entities e ON e.id = em.entity_id")
EVENT_TRUTH = ("SELECT DISTINCT d.pk, x.label FROM extractions x JOIN documents d "
               "ON d.id = x.document_id WHERE x.kind = 'event' AND x.label IS NOT NULL")


def _check(db) -> tuple[int, int]:
    with db.read() as conn:
        ent = set(conn.execute(text("SELECT document_pk, entity_pk FROM entity_documents")))
        ev = set(conn.execute(text("SELECT document_pk, label FROM event_documents")))
        assert ent == set(conn.execute(text(ENTITY_TRUTH)))
        assert ev == set(conn.execute(text(EVENT_TRUTH)))
    return len(ent), len(ev)


def _cli(*args: str) -> None:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output


def test_facet_pairs_stay_in_step(case, tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    _cli("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", case.db.url,
         "--evidence", str(case.store.root), "--actor", "t", "--quiet")
    n_ent, n_ev = _check(case.db)
    assert n_ent >= 6 and n_ev >= 2
    # re-extracting only the events, then only the mentions (the others stay)
    for kind in ("event", "mention"):
        _cli("extract", "--kind", kind, "--db", case.db.url, "--evidence", str(case.store.root),
             "--actor", "t")
        assert _check(case.db) == (n_ent, n_ev)
    # decisions rebuild the entities (new pks): the pairs follow
    with case.db.read() as conn:
        person = next(e for e in list_entities(conn, type_="person")
                      if "Kazem Sarabi" in e["forms"])
    actions.split(case.db, person["id"], ["Kasem Sarabi"], "t")
    _check(case.db)
    # and the facet counts what the pairs say
    res = CliRunner().invoke(cli, ["search", "prisoners", "--facets", "--json", "--db",
                                   case.db.url], catch_exceptions=False)
    assert '"event_type"' in res.output and "Sarvand" in res.output


def test_migration_0006_fills_the_pairs(case, tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    _cli("ingest", str(tmp_path / "a.txt"), "--db", case.db.url, "--evidence",
         str(case.store.root), "--actor", "t", "--quiet")
    before = _check(case.db)
    cfg = case.db._alembic_config()
    with case.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert "entity_documents" not in case.db.table_names()
    case.db.upgrade()
    assert _check(case.db) == before
