"""Linking victim lists with Splink, using factfinder's name comparators.

How a run works:

1. **Keys** (pandas, before Splink): every name goes through ``factfinder.names``:
   ``token_key`` of each part (the romanisation-equivalence key: Hossein, Hosein, Hussein and
   حسین share one), the order-insensitive ``sorted_full`` key, a consonant ``skeleton``, and
   *pair keys*: every unordered pair of a name's part keys. Blocking is plain equality on these
   keys, so it survives transliteration, reordering (family name first) and compounds.
2. **Comparisons** (Splink, DuckDB by default, Spark with ``backend="spark"``, see
   ``factfinder.linkage.spark``): our ``similarity``/``part_similarity`` are registered on the
   DuckDB connection as SQL functions (on Spark: Python UDFs) ``ff_name_sim`` and ``ff_part_sim``
   and used in custom comparison levels (full name, father's name), next to birth year, sex,
   date, place, prison and affiliation; ``DIALECT_SQL`` holds what differs between the dialects.
3. **Weights**: m-probabilities start from documented priors (``PRIORS``); u-probabilities are
   estimated by random sampling, and the share of matching pairs from deterministic rules.
   ``train="em"`` also runs EM (useful on large lists, unstable on small ones).
4. **Scores**: Splink's match probability; pairs at or over the threshold are links, and
   clusters are the connected components of the links.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from factfinder.linkage import spark
from factfinder.linkage.evaluate import Pair

NAME_FIELDS = ("name", "father", "birth_year", "sex", "date", "place", "prison", "affiliation")
# m-probabilities of each comparison's levels, best level first (the null level has none)
PRIORS: dict[str, list[float]] = {
    "name": [0.65, 0.25, 0.05, 0.05],
    "father": [0.85, 0.10, 0.05],
    "birth_year": [0.70, 0.20, 0.06, 0.04],
    "sex": [0.98, 0.02],
    "date": [0.55, 0.25, 0.20],
    "place": [0.85, 0.15],
    "prison": [0.80, 0.20],
    "affiliation": [0.65, 0.35],
}
LABELS: dict[str, dict[int, str]] = {}  # comparison → level number → what it means
TF_COLUMNS = {"name": "full_key", "father": "father_key"}
_WORD = re.compile(r"\w+", re.UNICODE)


class BackendError(RuntimeError):
    """The configured backend cannot run here (Spark without pyspark, say)."""


@dataclass
class LinkOptions:
    threshold: float = 0.2
    backend: str = "duckdb"
    train: str = "priors"  # or "em"
    one_to_one: bool = True  # a list names a person once: keep mutual best matches only
    u_max_pairs: float = 2e5
    seed: int = 1367


@dataclass
class LinkResult:
    pairs: pd.DataFrame  # left_list, left_id, right_list, right_id, score, explanation
    clusters: pd.DataFrame  # cluster_id, list, record_id
    model: dict[str, Any] = field(default_factory=dict)

    def pair_set(self) -> set[Pair]:
        return {(r.left_list, r.left_id, r.right_list, r.right_id)
                for r in self.pairs.itertuples()}


def _names() -> Any:
    try:
        import factfinder.names as names
    except ImportError as exc:  # pragma: no cover - the package ships with factfinder
        raise BackendError(f"factfinder.names is not available: {exc}") from exc
    return names


@functools.lru_cache(maxsize=1 << 18)
def _name_keys(text: str) -> Any:
    return _names().name_keys(text)


@functools.lru_cache(maxsize=1 << 18)
def _token_key(part: str) -> str:
    return str(_names().token_key(part))


@functools.lru_cache(maxsize=1 << 18)
def _skeleton(text: str) -> str:
    return str(_names().skeleton(text))


STOPWORDS = {"prison", "province", "city", "central", "the", "of", "zendan", "ostan", "زندان",
             "استان", "شهر"}


def _tokens(text: str | None) -> list[str]:
    """Keys of the words of a place or prison, without words like "prison" or "province"."""
    return [_token_key(w) for w in _WORD.findall(text or "")
            if len(w) > 1 and w.casefold() not in STOPWORDS]


_INNER_H = re.compile(r"(?<=.)h")


def _initials(name_skel: str) -> list[str] | None:
    """Unordered pairs of the words' opening consonants, two of each word ("Saeed Hoseyn-Zadeh"
    -> ``hs.sd``), an inner h dropped (Mehdi and Medi, Mehrlou and Merlu, Salehnejad and
    Salenejad agree): a key that a typo later in a word, a spelling of its vowels or a reordered
    name does not change. It blocks only together with a birth year or a father's name."""
    heads = [_INNER_H.sub("", w)[:2] for w in name_skel.split() if w]
    heads = [h for h in heads if h]
    if len(heads) == 1:
        return heads
    pairs = {".".join(sorted((a, b))) for i, a in enumerate(heads) for b in heads[i + 1:]}
    return sorted(pairs) or None


def features(name: str, records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per record with the columns Splink compares and blocks on."""
    rows = []
    for rec in records:
        given, family = rec.get("given_name"), rec.get("family_name")
        full = rec.get("full_name") or " ".join(p for p in (given, family) if p) or None
        row: dict[str, Any] = {"unique_id": str(rec["record_id"]), "source": name,
                               "name_text": full}
        if full:
            keys = _name_keys(full)
            row["full_key"] = keys.sorted_full or None
            row["family_key"] = (_token_key(family) if family else keys.family) or None
            row["name_skel"] = " ".join(sorted(_skeleton(w) for w in _WORD.findall(full)))
            # the name's consonants as a bag: blind to order, spacing and compounds
            row["name_bag"] = "".join(sorted(row["name_skel"].replace(" ", ""))) or None
            row["gf_keys"] = [k for k in keys.blocking if k.startswith("gf:")] or None
            row["f_keys"] = [k for k in keys.blocking if not k.startswith("gf:")] or None
            row["initials"] = _initials(row["name_skel"])
        else:
            row.update(full_key=None, family_key=None, name_skel=None, name_bag=None,
                       gf_keys=None, f_keys=None, initials=None)
        father = rec.get("father_name")
        row["father_text"] = father
        row["father_key"] = _name_keys(father).sorted_full if father else None
        row["father_skel"] = _skeleton(father) if father else None
        row["birth_year"] = rec.get("birth_year")
        row["sex"] = rec.get("sex")
        row["date_key"] = rec.get("date_key")
        row["event_year"] = rec.get("event_year")
        for col in ("place", "prison"):
            toks = sorted(set(_tokens(rec.get(col))))
            row[f"{col}_tokens"] = toks or None
        aff = rec.get("affiliation")
        row["affiliation"] = aff.strip().casefold() if aff else None
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["birth_year"] = pd.to_numeric(frame["birth_year"], errors="coerce").astype("Int64")
    frame["event_year"] = pd.to_numeric(frame["event_year"], errors="coerce").astype("Int64")
    return frame


RARE = 60  # a given+family key this rare (over all lists) blocks on its own
COMMON_INITIALS = 2000  # initials this common (over all lists) are too weak to block on


def _rare_keys(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add ``gf_rare``: the given+family keys that few records share, so that blocking on them
    alone (a name with no other field to go with it) stays cheap on large lists; and keep only
    the ``initials`` that at most COMMON_INITIALS records share ("Mohammad Hosseini" is
    everywhere: its variants are found by the finer keys, and blocking on its initials with a
    birth year alone would compare millions of pairs of 100,000-record lists)."""
    counts: dict[str, int] = {}
    ini: dict[str, int] = {}
    for f in frames.values():
        for keys in f["gf_keys"]:
            for k in keys or ():
                counts[k] = counts.get(k, 0) + 1
        for keys in f["initials"]:
            for k in keys or ():
                ini[k] = ini.get(k, 0) + 1
    out = {}
    for name, f in frames.items():
        rare = [[k for k in (keys or ()) if counts[k] <= RARE] or None for keys in f["gf_keys"]]
        kept = [[k for k in (keys or ()) if ini[k] <= COMMON_INITIALS] or None
                for keys in f["initials"]]
        out[name] = f.assign(gf_rare=rare, initials=kept)
    return out


def _levels(null_sql: str, levels: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"sql_condition": null_sql, "label_for_charts": "null",
                                  "is_null_level": True}]
    out += [{"sql_condition": sql, "label_for_charts": label} for sql, label in levels]
    out.append({"sql_condition": "ELSE", "label_for_charts": "different"})
    return out


# The few SQL pieces that differ between the backends' dialects (everything else in the
# conditions, =, abs, length, LIKE, CASE, is the same in both).
DIALECT_SQL: dict[str, dict[str, str]] = {
    "duckdb": {
        "jaro_winkler": "jaro_winkler_similarity",
        "overlap": "len(list_intersect({c}_l, {c}_r)) >= 1",
        "days_apart": "abs(date_diff('day', try_cast(date_key_l AS DATE), "
                      "try_cast(date_key_r AS DATE)))",
    },
    "spark": {  # jaro_winkler: Splink's Scala UDF (its jar), or our Python fallback
        "jaro_winkler": "jaro_winkler",
        "overlap": "size(array_intersect({c}_l, {c}_r)) >= 1",
        "days_apart": "abs(datediff(try_cast(date_key_l AS DATE), try_cast(date_key_r AS DATE)))",
    },
}


def comparisons(dialect: str = "duckdb") -> list[Any]:
    """The comparisons, their SQL written in ``dialect`` (duckdb or spark)."""
    from splink.comparison_library import CustomComparison

    sql = DIALECT_SQL[dialect]

    def comp(name: str, null_sql: str, levels: list[tuple[str, str]]) -> Any:
        lv: list[Any] = _levels(null_sql, levels)
        # Splink numbers levels from the bottom: ELSE is 0, the best level the highest
        LABELS[name] = {len(lv) - 2 - i: str(x["label_for_charts"])
                        for i, x in enumerate(lv[1:])}
        LABELS[name][-1] = "missing on one side"
        for level, m in zip(lv[1:], PRIORS[name], strict=True):
            level["m_probability"] = m
        if name in TF_COLUMNS:  # a common name agreeing is weaker evidence than a rare one
            lv[1]["tf_adjustment_column"] = TF_COLUMNS[name]
            lv[1]["tf_adjustment_weight"] = 1.0
        return CustomComparison(output_column_name=name, comparison_levels=lv,
                                comparison_description=name)

    null = "{c}_l IS NULL OR {c}_r IS NULL"
    arr = sql["overlap"]
    # the Python comparator only where the consonant skeletons are not far apart (cheap in SQL)
    # (the letters' bag as well: "Ali Poor Jafari" and "علی پورجعفری" split their words apart)
    jw = sql["jaro_winkler"]
    gated = (f"(CASE WHEN {jw}(name_skel_l, name_skel_r) >= 0.6 "
             f"OR {jw}(name_bag_l, name_bag_r) >= 0.8 "
             "THEN ff_name_sim(name_text_l, name_text_r) ELSE 0.0 END)")
    return [
        comp("name", null.format(c="name_text"), [
            ("full_key_l = full_key_r", "same name (key)"),
            (f"{gated} >= 0.92", "similarity >= 0.92"),
            (f"{gated} >= 0.80", "similarity >= 0.80")]),
        comp("father", null.format(c="father_text"), [
            ("father_key_l = father_key_r", "same name (key)"),
            ("ff_part_sim(father_text_l, father_text_r) >= 0.85", "similarity >= 0.85")]),
        comp("birth_year", null.format(c="birth_year"), [
            ("birth_year_l = birth_year_r", "same year"),
            ("abs(birth_year_l - birth_year_r) <= 1", "within 1 year"),
            ("abs(birth_year_l - birth_year_r) <= 3", "within 3 years")]),
        comp("sex", null.format(c="sex"), [("sex_l = sex_r", "same")]),
        comp("date", "date_key_l IS NULL OR date_key_r IS NULL OR length(date_key_l) != 10 "
             "OR length(date_key_r) != 10 OR date_key_l LIKE 'AP%' OR date_key_r LIKE 'AP%'", [
                 ("date_key_l = date_key_r", "same day"),
                 (f"{sql['days_apart']} <= 7", "within a week")]),
        comp("place", null.format(c="place_tokens"), [(arr.format(c="place_tokens"), "shared")]),
        comp("prison", null.format(c="prison_tokens"),
             [(arr.format(c="prison_tokens"), "shared")]),
        comp("affiliation", null.format(c="affiliation"), [("affiliation_l = affiliation_r",
                                                            "same")]),
    ]


def blocking_rules() -> list[Any]:
    from splink import block_on

    return [
        block_on("full_key"),
        block_on("name_bag"),  # survives script, order and spacing: محمد and Mohammad: "mhmd"
        block_on("gf_rare", arrays_to_explode=["gf_rare"]),
        block_on("gf_keys", "birth_year", arrays_to_explode=["gf_keys"]),
        block_on("gf_keys", "father_skel", arrays_to_explode=["gf_keys"]),
        block_on("gf_keys", "date_key", arrays_to_explode=["gf_keys"]),
        block_on("f_keys", "birth_year", "father_skel", arrays_to_explode=["f_keys"]),
        block_on("initials", "birth_year", arrays_to_explode=["initials"]),
    ]


def _sim_functions() -> tuple[Callable[[str, str], float], Callable[[str, str], float]]:
    names = _names()

    @functools.lru_cache(maxsize=1 << 20)
    def name_sim(a: str, b: str) -> float:
        return float(names.similarity(a, b))

    @functools.lru_cache(maxsize=1 << 20)
    def part_sim(a: str, b: str) -> float:
        return float(names.part_similarity(a, b))

    return name_sim, part_sim


def db_api(backend: str = "duckdb") -> Any:
    """A Splink database API with our comparators registered as SQL functions (Spark: as
    Python UDFs on the session of ``factfinder.linkage.spark.session``)."""
    if backend == "spark":
        try:
            return spark.api()
        except spark.SparkUnavailable as exc:
            raise BackendError(str(exc)) from exc
    if backend != "duckdb":
        raise BackendError(f"unknown backend {backend!r}: use duckdb or spark")
    import duckdb
    from duckdb.sqltypes import DOUBLE, VARCHAR
    from splink import DuckDBAPI

    con = duckdb.connect()
    name_sim, part_sim = _sim_functions()
    con.create_function("ff_name_sim", name_sim, [VARCHAR, VARCHAR], DOUBLE)
    con.create_function("ff_part_sim", part_sim, [VARCHAR, VARCHAR], DOUBLE)
    return DuckDBAPI(connection=con)


def link_frames(frames: dict[str, pd.DataFrame], options: LinkOptions | None = None,
                explain: bool = False) -> LinkResult:
    """Link feature frames (from ``features``) of two or more lists."""
    from splink import Linker, SettingsCreator

    options = options or LinkOptions()
    frames = _rare_keys(frames)
    for logger in [n for n in logging.root.manager.loggerDict if n.startswith("splink")]:
        logging.getLogger(logger).setLevel(logging.ERROR)
    api = db_api(options.backend)
    names = list(frames)
    frames = {k: v.drop(columns=["source"]) for k, v in frames.items()}
    inputs: list[Any] = list(frames.values())
    if options.backend == "spark":
        inputs = [spark.frame(api, f) for f in inputs]
    settings = SettingsCreator(
        link_type="link_only", comparisons=comparisons(options.backend),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=explain,
        retain_matching_columns=explain,
    )
    before = spark.views(api) if options.backend == "spark" else set()
    try:
        linker = Linker(inputs, settings, db_api=api, input_table_aliases=names)
        df = _train_and_predict(linker, options, [len(f) for f in frames.values()])
    finally:
        if options.backend == "spark":  # a session outlives the run: leave no views behind
            spark.drop_views(api, spark.views(api) - before)
    model = {"probability_two_random_records_match":
             linker._settings_obj._probability_two_random_records_match,
             "train": options.train, "threshold": options.threshold, "backend": options.backend}
    everyone = [(k, u) for k, f in frames.items() for u in f["unique_id"]]
    return _result(df, options, explain, model, everyone)


def _train_and_predict(linker: Any, options: LinkOptions, sizes: list[int]) -> pd.DataFrame:
    from splink import block_on

    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("full_key", "birth_year"), block_on("full_key", "father_key")],
            recall=0.5)
    except Exception:  # no deterministic matches at all: the rarer of one-per-person
        linker._settings_obj._probability_two_random_records_match = 1 / max(max(sizes), 2)
    linker.training.estimate_u_using_random_sampling(max_pairs=options.u_max_pairs,
                                                     seed=options.seed)
    if options.train == "em":
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("family_key"), fix_u_probabilities=True)
    # one-to-one needs every candidate's score, not only those over the threshold
    floor = min(options.threshold, 0.5) / (20 if options.one_to_one else 1)
    pred = linker.inference.predict(threshold_match_probability=floor)
    return pred.as_pandas_dataframe()


def _result(df: pd.DataFrame, options: LinkOptions, explain: bool, model: dict[str, Any],
            everyone: list[tuple[str, str]]) -> LinkResult:
    if options.one_to_one:
        df = one_to_one(df.rename(columns={"match_probability": "score"})).rename(
            columns={"score": "match_probability"})
    df = df[df["match_probability"] >= options.threshold]
    out = pd.DataFrame({
        "left_list": df["source_dataset_l"].astype(str), "left_id": df["unique_id_l"].astype(str),
        "right_list": df["source_dataset_r"].astype(str),
        "right_id": df["unique_id_r"].astype(str),
        "score": df["match_probability"].astype(float).round(6),
    })
    if explain:
        out["explanation"] = [_explain(r) for r in df.to_dict("records")]
    out = out.sort_values(["left_list", "left_id", "right_list", "right_id"]).reset_index(
        drop=True)
    return LinkResult(out, clusters(out, everyone), model)


def one_to_one(pairs: pd.DataFrame) -> pd.DataFrame:
    """Keep a pair only when each record is the other's best match in that list (a list names
    a person once): the namesake or brother who scores lower gives way."""
    if pairs.empty:
        return pairs
    cols = (["left_list", "left_id", "right_list", "right_id"] if "left_list" in pairs
            else ["source_dataset_l", "unique_id_l", "source_dataset_r", "unique_id_r"])
    ll, li, rl, ri = (pairs[c].astype(str) for c in cols)
    p = pairs.assign(_l=ll + "\x1f" + li + "\x1f" + rl, _r=rl + "\x1f" + ri + "\x1f" + ll)
    best_l = p.groupby("_l")["score"].transform("max")
    best_r = p.groupby("_r")["score"].transform("max")
    keep = (p["score"] >= best_l) & (p["score"] >= best_r)
    return pairs[keep.to_numpy()].reset_index(drop=True)


SHOWN = {"name": "name_text", "father": "father_text", "date": "date_key",
         "place": "place_tokens", "prison": "prison_tokens"}


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():  # a year: Spark's toPandas gives 1964.0
        return int(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, list | tuple):
        return list(value)
    return value if isinstance(value, str | int | float) else str(value)


def _explain(row: dict[str, Any]) -> dict[str, Any]:
    fields = {}
    for name in NAME_FIELDS:
        bf = row.get(f"bf_{name}")
        tf = row.get(f"bf_tf_adj_{name}")
        if bf is not None and tf is not None:
            bf = float(bf) * float(tf)  # a common name agreeing says less than a rare one
        level = int(row.get(f"gamma_{name}", -1))
        fields[name] = {"level": level, "meaning": LABELS.get(name, {}).get(level),
                        "value_left": _plain(row.get(f"{SHOWN.get(name, name)}_l")),
                        "value_right": _plain(row.get(f"{SHOWN.get(name, name)}_r")),
                        "bayes_factor": None if bf is None else round(float(bf), 4)}
    return {"match_weight": round(float(row["match_weight"]), 4), "fields": fields}


def clusters(pairs: pd.DataFrame, everyone: Sequence[tuple[str, str]] = ()) -> pd.DataFrame:
    """Connected components of the links (union-find), with stable ids; every record of
    ``everyone`` is in one cluster (a record with no link is a cluster of its own)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {x: x for x in everyone}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in pairs.itertuples():
        a, b = find((r.left_list, r.left_id)), find((r.right_list, r.right_id))
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    rows = []
    for root, members in sorted(groups.items()):
        cid = f"C-{root[0]}-{root[1]}"
        rows += [{"cluster_id": cid, "list": m[0], "record_id": m[1]} for m in sorted(members)]
    return pd.DataFrame(rows, columns=["cluster_id", "list", "record_id"])
