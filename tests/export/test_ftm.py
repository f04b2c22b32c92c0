"""ftm: every line is an entity that followthemoney reads back unchanged and that validates
against its schema; every reference points at an entity of the file."""

from __future__ import annotations

import json

import pytest

followthemoney = pytest.importorskip("followthemoney")


def test_ftm_round_trip_validates(xcase):
    from followthemoney import model

    out, summary = xcase.export("ftm", "ftm")
    assert [f["name"] for f in summary["files"]] == ["entities.ftm.json"]
    lines = (out / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary["files"][0]["rows"]
    proxies = []
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)  # re-cleans every value
        assert _same(proxy, data), line  # nothing dropped or changed by cleaning
        proxy.schema.validate(proxy.to_dict())
        proxies.append(proxy)
    ids = {p.id for p in proxies}
    assert len(ids) == len(proxies)
    for p in proxies:
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in ids, (p.schema.name, prop.name, value)
    schemata = {p.schema.name for p in proxies}
    assert {"Person", "Organization", "Address", "Document", "Event", "Mention",
            "UnknownLink"} <= schemata
    people = {p.caption: p for p in proxies if p.schema.name == "Person"}
    kamran = people["Kamran Azarnoush"]
    assert "Kamran Azarnoush" in kamran.get("name")
    guards = next(p for p in proxies if p.schema.name == "Organization"
                  and "Revolutionary Guards" in p.get("alias"))
    assert guards.caption == "Islamic Revolutionary Guard Corps"
    roles = {(link.first("subject"), link.first("role")) for link in proxies
             if link.schema.name == "UnknownLink"}
    assert (kamran.id, "victim") in roles
    mentioned = {m.first("resolved") for m in proxies if m.schema.name == "Mention"}
    assert kamran.id in mentioned


def _same(proxy, data):  # type: ignore[no-untyped-def]
    got = proxy.to_dict()["properties"]
    return {k: sorted(v) for k, v in got.items()} == {
        k: sorted(v) for k, v in data["properties"].items()}


def test_text_longer_than_ftm_allows_is_cut_and_said(tmp_path):
    """A tag page of the seeds is longer than FtM's 65,000-byte bodyText: it is cut, with a
    note, instead of failing the whole export (found on the real seed pages)."""
    from factfinder.export.ftm import Builder

    body = "Witnesses said that prisoners were executed in Sarvand. " * 2_000  # 112,000 chars
    proxy = Builder().make("Document", "ff-doc-long", title="Long page", bodyText=body)
    text = proxy.first("bodyText")
    assert 60_000 < len(text.encode("utf-8")) <= 65_000
    assert any("cut to FollowTheMoney's length limit: bodyText" in n
               for n in proxy.get("notes"))
