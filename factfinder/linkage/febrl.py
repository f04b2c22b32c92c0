"""FEBRL4 with factfinder's linkage (for ``bench/linkage_febrl.py``): the same machinery as
victim lists (our name keys for blocking, ``ff_name_sim`` in the name comparison, one-to-one
links) on FEBRL's fields: given_name, surname, date_of_birth, soc_sec_id, street_number,
address_1, postcode, suburb. FEBRL has labels nobody uses here: m and u are estimated (u by
random sampling, m by EM), as in Splink's own example.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from factfinder.linkage.engine import (
    LinkOptions,
    _name_keys,
    _result,
    _skeleton,
    db_api,
)
from factfinder.linkage.evaluate import Pair


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"unique_id": df["rec_id"].astype(str)})
    given = df["given_name"].fillna("").astype(str).str.strip()
    surname = df["surname"].fillna("").astype(str).str.strip()
    full = (given + " " + surname).str.strip()
    out["name_text"] = full.replace("", None)
    keys = [(_name_keys(t) if t else None) for t in full]
    out["full_key"] = [k.sorted_full if k else None for k in keys]
    out["gf_keys"] = [[b for b in k.blocking if b.startswith("gf:")] or None if k else None
                      for k in keys]
    out["name_skel"] = [" ".join(sorted(_skeleton(w) for w in t.split())) if t else None
                        for t in full]
    for col in ("date_of_birth", "soc_sec_id", "street_number", "postcode", "suburb",
                "address_1"):
        out[col] = df[col].astype("string").str.strip().replace("", None)
    return out


def _comparisons() -> list[Any]:
    import splink.comparison_library as cl
    from splink.comparison_library import CustomComparison

    gated = ("(CASE WHEN jaro_winkler_similarity(name_skel_l, name_skel_r) >= 0.6 "
             "THEN ff_name_sim(name_text_l, name_text_r) ELSE 0.0 END)")
    name = CustomComparison(output_column_name="name", comparison_levels=[
        {"sql_condition": "name_text_l IS NULL OR name_text_r IS NULL", "is_null_level": True},
        {"sql_condition": "full_key_l = full_key_r", "tf_adjustment_column": "full_key",
         "tf_adjustment_weight": 1.0},
        {"sql_condition": f"{gated} >= 0.92"},
        {"sql_condition": f"{gated} >= 0.80"},
        {"sql_condition": "ELSE"}])
    return [
        name,
        cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        cl.JaroWinklerAtThresholds("address_1", [0.9]),
    ]


def link_febrl(df_a: pd.DataFrame, df_b: pd.DataFrame, threshold: float = 0.5) -> set[Pair]:
    from splink import Linker, SettingsCreator, block_on

    for logger in [n for n in logging.root.manager.loggerDict if n.startswith("splink")]:
        logging.getLogger(logger).setLevel(logging.ERROR)
    frames = [_prepare(df_a), _prepare(df_b)]
    settings = SettingsCreator(
        link_type="link_only", comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=[
            block_on("full_key"), block_on("gf_keys", arrays_to_explode=["gf_keys"]),
            block_on("date_of_birth"), block_on("soc_sec_id"),
            block_on("postcode", "street_number")])
    linker = Linker(frames, settings, db_api=db_api("duckdb"), input_table_aliases=["a", "b"])
    linker.training.estimate_probability_two_random_records_match(
        [block_on("full_key", "date_of_birth"), block_on("soc_sec_id")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), fix_u_probabilities=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("full_key"), fix_u_probabilities=True)
    df = linker.inference.predict(threshold_match_probability=threshold / 20).as_pandas_dataframe()
    everyone = [(n, u) for n, f in zip(["a", "b"], frames, strict=True) for u in f["unique_id"]]
    result = _result(df, LinkOptions(threshold=threshold), False, {}, everyone)
    return result.pair_set()
