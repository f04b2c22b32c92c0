"""Stock Splink baselines, for the benchmarks: Splink's own comparisons and training, none of ours.

``stock_febrl`` follows Splink's FEBRL4 example (NameComparison on the names, DateOfBirth, a
Damerau-Levenshtein on soc_sec_id, exact street number / postcode / suburb with term frequencies,
u by random sampling, EM on two blocking rules). ``stock_lists`` is what a Splink user would
write for victim lists: NameComparison on full_name (or given/family), father_name and
exact/near comparisons on the rest.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from factfinder.linkage.evaluate import Pair


def _quiet() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def stock_febrl(df_a: pd.DataFrame, df_b: pd.DataFrame, threshold: float = 0.9) -> set[Pair]:
    """Link FEBRL4's two files with Splink's example settings; returns the pairs over threshold."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    _quiet()
    rules: list[Any] = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
    ]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([df_a, df_b], settings, db_api=DuckDBAPI(), input_table_aliases=["a", "b"])
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"))
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return {(str(r.source_dataset_l), str(r.rec_id_l), str(r.source_dataset_r), str(r.rec_id_r))
            for r in pred.itertuples()}


def stock_lists(lists: dict[str, pd.DataFrame], threshold: float = 0.9) -> dict[Pair, float]:
    """Link victim lists (our schema, one DataFrame per list) with stock Splink; returns each
    pair over the threshold with its match probability."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    _quiet()
    frames = []
    for name, df in lists.items():
        f = pd.DataFrame({"unique_id": df["record_id"].astype(str)})
        if "full_name" in df:
            f["full_name"] = df["full_name"]
        else:
            f["full_name"] = (df["given_name"].fillna("") + " " + df["family_name"].fillna(""))
        f["full_name"] = f["full_name"].str.strip().replace("", None)
        f["first_token"] = f["full_name"].str.split().str[0].str.lower()
        f["last_token"] = f["full_name"].str.split().str[-1].str.lower()
        for col in ("father_name", "sex", "birth_year", "place", "prison", "affiliation"):
            f[col] = df.get(col)
        f["birth_year"] = pd.to_numeric(f["birth_year"], errors="coerce")
        f["source"] = name
        frames.append(f)
    comparisons: list[Any] = [
        cl.NameComparison("full_name"),
        cl.NameComparison("father_name"),
        cl.CustomComparison(output_column_name="birth_year", comparison_levels=[
            {"sql_condition": "birth_year_l IS NULL OR birth_year_r IS NULL",
             "is_null_level": True},
            {"sql_condition": "birth_year_l = birth_year_r"},
            {"sql_condition": "abs(birth_year_l - birth_year_r) <= 1"},
            {"sql_condition": "ELSE"}]),
        cl.ExactMatch("sex"),
        cl.ExactMatch("place"),
        cl.ExactMatch("prison"),
        cl.ExactMatch("affiliation"),
    ]
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("last_token"), block_on("first_token"), block_on("birth_year"),
            block_on("father_name")],
        comparisons=comparisons,
    )
    linker = Linker(frames, settings, db_api=DuckDBAPI(), input_table_aliases=list(lists))
    linker.training.estimate_probability_two_random_records_match(
        [block_on("full_name", "birth_year")], recall=0.5)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_year"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("last_token"))
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return {(str(r.source_dataset_l), str(r.unique_id_l), str(r.source_dataset_r),
             str(r.unique_id_r)): float(r.match_probability) for r in pred.itertuples()}
