"""People: the Splink model that scores pairs of subjects, its training, and its predictions.

The model compares the features of ``features.py``. Its comparisons, blocking
rules and training are described (with the reasons) in docs/resolution.md.
Parameters are estimated without labels: u by random sampling, m by
expectation maximisation, and the prior from deterministic rules. The trained
model is saved with the workspace and reused by later runs.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from splink import Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from threadline.resolve import features
from threadline.resolve.backends import Backend

# Splink reports untrainable levels and sampling details as warnings; the
# stage's own report says what matters.
logging.getLogger("splink").setLevel(logging.ERROR)

MATCH_THRESHOLD = 0.97
"""Match probability at or above which two subjects join (docs/resolution.md)."""

ATTACH_THRESHOLD = 0.9
"""A subject left alone may still join one cluster by a pair this likely (docs/resolution.md)."""

ATTACH_MARGIN = 2.0
"""...when its best candidate beats any other cluster's by this many bits of match weight."""


def match_threshold() -> float:
    """MATCH_THRESHOLD, or ``THREADLINE_RESOLVE_THRESHOLD`` when set (a probability)."""
    raw = os.environ.get("THREADLINE_RESOLVE_THRESHOLD", "").strip()
    try:
        value = float(raw) if raw else MATCH_THRESHOLD
    except ValueError:
        return MATCH_THRESHOLD
    return value if 0.0 < value < 1.0 else MATCH_THRESHOLD


CANDIDATE_WEIGHT = 0.0
"""Pairs below this match weight are not kept at all (not even as evidence)."""

SCHEMA = features.SCHEMA
"""The model's input table (``features.features_table``)."""


def _null_either(*columns: str) -> ComparisonLevelCreator:
    either = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return cll.CustomLevel(either, label_for_charts="missing").configure(is_null_level=True)


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label)


class SwappedJaroWinklerLevel(ComparisonLevelCreator):
    """Forename against the other's surname and surname against forename, both within
    Jaro-Winkler ``threshold``: a name in one case (``WARD DRAREN``) read the other way
    round, with a slip. Written in each backend's own similarity function."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def create_sql(self, sql_dialect: Any) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        return f"{jw}(fn_l, sn_r) >= {self.threshold} AND {jw}(sn_l, fn_r) >= {self.threshold}"

    def create_label_for_charts(self) -> str:
        return f"forename and surname swapped, within Jaro-Winkler {self.threshold}"


def name_comparison() -> ComparisonCreator:
    """Forename and surname together, so that order swaps and variants are one decision."""
    jw = cll.And(cll.JaroWinklerLevel("fn", 0.88), cll.JaroWinklerLevel("sn", 0.88)).configure(
        label_for_charts="both names within Jaro-Winkler 0.88"
    )
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="forename and surname",
        comparison_levels=[
            cll.CustomLevel(
                "(fn_l IS NULL AND sn_l IS NULL) OR (fn_r IS NULL AND sn_r IS NULL)",
                label_for_charts="missing",
            ).configure(is_null_level=True),
            _level("fn_l = fn_r AND sn_l = sn_r", "exact"),
            _level(
                "fn_canon_l = fn_canon_r AND sn_canon_l = sn_canon_r",
                "variants of the same names (transliteration, nickname)",
            ),
            _level(
                "(fn_as_sn_l = sn_canon_r AND sn_as_fn_l = fn_canon_r)"
                " OR (sn_canon_l = fn_as_sn_r AND fn_canon_l = sn_as_fn_r)",
                "forename and surname swapped",
            ),
            jw,
            _level(
                "fn_sdx_l = fn_sdx_r AND sn_sdx_l = sn_sdx_r", "both names sound alike (Soundex)"
            ),
            SwappedJaroWinklerLevel(0.88),
            _level(
                "sn_canon_l = sn_canon_r AND fn_initial_l = fn_initial_r"
                " AND (fn_is_initial_l OR fn_is_initial_r)",
                "same surname, forename given as an initial",
            ),
            _level(
                "sn_canon_l = sn_canon_r AND (fn_l IS NULL OR fn_r IS NULL)",
                "same surname, forename missing",
            ),
            _level(
                "fn_canon_l = fn_canon_r AND (sn_l IS NULL OR sn_r IS NULL)",
                "same forename, surname missing",
            ),
            _level("sn_canon_l = sn_canon_r", "same surname, different forename"),
            cll.ElseLevel(),
        ],
    )


def dob_comparison() -> ComparisonCreator:
    """Date of birth: exact, day and month swapped, one character off, year, consistent age."""
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth, or the birth year an age implies",
        comparison_levels=[
            _null_either("birth_year"),
            _level("dob_l = dob_r", "exact"),
            _level("dob_l = dob_swapped_r", "day and month swapped"),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="one character off"),
            _level(
                "birth_year_l = birth_year_r AND NOT birth_year_from_age_l"
                " AND NOT birth_year_from_age_r",
                "same year of birth, different day",
            ),
            _level(
                "(birth_year_from_age_l OR birth_year_from_age_r)"
                " AND abs(birth_year_l - birth_year_r) <= 1",
                "consistent with a stated age",
            ),
            _level(
                "(birth_year_from_age_l OR birth_year_from_age_r)"
                " AND abs(birth_year_l - birth_year_r) <= 3",
                "roughly consistent with a stated age",
            ),
            cll.ElseLevel(),
        ],
    )


def _simple(
    column: str, description: str, levels: list[ComparisonLevelCreator]
) -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[_null_either(column), *levels, cll.ElseLevel()],
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    return [
        name_comparison(),
        dob_comparison(),
        _simple("gender", "gender", [_level("gender_l = gender_r", "same")]),
        cl.CustomComparison(
            output_column_name="home",
            comparison_description="home address (street line) and postcode, as one piece "
            "of evidence: they are not independent",
            comparison_levels=[
                cll.CustomLevel(
                    "(address_l IS NULL AND postcode_l IS NULL)"
                    " OR (address_r IS NULL AND postcode_r IS NULL)",
                    label_for_charts="missing",
                ).configure(is_null_level=True),
                _level(
                    "address_l = address_r AND postcode_l = postcode_r",
                    "same street line and postcode",
                ),
                _level("address_l = address_r", "same street line"),
                _level("postcode_l = postcode_r", "same postcode"),
                cll.JaroWinklerLevel("address", 0.9).configure(
                    label_for_charts="street line within Jaro-Winkler 0.9"
                ),
                _level("postcode_sector_l = postcode_sector_r", "same postcode sector"),
                cll.ElseLevel(),
            ],
        ),
        _simple("phones", "phones (E.164)", [cll.ArrayIntersectLevel("phones", 1)]),
        _simple(
            "vehicles", "vehicles (registration marks)", [cll.ArrayIntersectLevel("vehicles", 1)]
        ),
        _simple("aliases", "aliases (variant groups)", [cll.ArrayIntersectLevel("aliases", 1)]),
        _simple(
            "nominal",
            "nominal: an id stable within one source system only",
            [
                _level("nominal_l = nominal_r", "same nominal"),
                _level(
                    "nominal_system_l = nominal_system_r",
                    "same source system, different nominal",
                ),
            ],
        ),
    ]


BLOCKING_RULES: list[Any] = [
    # A name is compared only with the same name born within about three years
    # (docs/resolution.md, "Blocking"): every pair of a common name would grow with
    # the square of the workspace.
    block_on("sn_canon", "fn_canon", "birth_band"),
    block_on("sn_canon", "fn_canon", "birth_band_shifted"),
    "l.fn_as_sn = r.sn_canon AND l.sn_as_fn = r.fn_canon",
    "l.sn_canon = r.fn_as_sn AND l.fn_canon = r.sn_as_fn",
    block_on("dob", "sn_sdx"),
    block_on("dob", "fn_sdx"),
    block_on("birth_year", "sn_sdx", "fn_initial"),
    block_on("birth_year", "fn_canon", "sn_initial"),
    # A subject with a surname but no forename, against everyone of that surname group
    # born the same year: an equi-join both ways round (not every pair of the group).
    "l.sn_alone = r.sn_canon AND l.birth_year = r.birth_year",
    "l.sn_canon = r.sn_alone AND l.birth_year = r.birth_year",
    block_on("nominal"),
    block_on("phone1"),
    block_on("vehicle1"),
    block_on("postcode", "sn_sdx"),
    block_on("address", "sn_sdx"),
    block_on("address", "birth_year"),
]
"""Chosen for recall: a true pair needs only one rule to hold (docs/resolution.md)."""

DETERMINISTIC_RULE = "l.fn = r.fn AND l.sn = r.sn AND l.dob = r.dob"
"""Pairs this rule finds are taken as matches when estimating the prior."""


def _level_m(model: dict[str, Any], comparison: str, label: str) -> float:
    for c in model["comparisons"]:
        if c["output_column_name"] == comparison:
            for level in c["comparison_levels"]:
                if level.get("label_for_charts") == label:
                    return float(level.get("m_probability") or 0.0)
    return 0.0


def deterministic_recall(table: pa.Table, model: dict[str, Any]) -> float:
    """The share of matching pairs that DETERMINISTIC_RULE finds, estimated without labels.

    A matching pair satisfies the rule when both records carry a full name and a
    date of birth (estimated by the share of records that do, squared) and both
    agree exactly (the trained m probabilities of the exact levels), taking the
    two as independent. Assuming a recall instead would shift every match
    weight by a guess.
    """
    rows = max(table.num_rows, 1)
    unnamed = pc.sum(pc.or_(pc.is_null(table["fn"]), pc.is_null(table["sn"]))).as_py() or 0
    named = (rows - unnamed) / rows
    dated = (rows - table["dob"].null_count) / rows
    recall = (named**2) * _level_m(model, "name", "exact") * (dated**2)
    recall *= _level_m(model, "dob", "exact")
    return float(min(max(recall, 0.01), 1.0))


def settings_creator() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )


@dataclass
class TrainingOptions:
    """How much work training does. The defaults suit a workspace of up to a million subjects."""

    sample_size: int = 200_000
    """Train on at most this many subjects (a random sample); predict on all."""
    u_max_pairs: float = 3e6
    em_max_pairs: float = 2e6
    seed: int = 42


def _sample(table: pa.Table, size: int, seed: int) -> pa.Table:
    if table.num_rows <= size:
        return table
    import numpy as np

    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(table.num_rows, size=size, replace=False))
    return table.take(pa.array(chosen))


def train(backend: Backend, table: pa.Table, options: TrainingOptions) -> dict[str, Any]:
    """Estimate the model's parameters from the data alone, and return the trained model."""
    sample = _sample(table, options.sample_size, options.seed)
    frame = backend.register(sample)
    linker = Linker(frame, settings_creator(), log_level=logging.WARNING)
    # A first guess at the prior, refined below once the m probabilities are known.
    linker.training.estimate_probability_two_random_records_match([DETERMINISTIC_RULE], recall=0.5)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_max_pairs, seed=options.seed
    )
    for rule in (block_on("dob"), block_on("sn_canon", "fn_canon")):
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                estimate_without_term_frequencies=True,
                max_pairs=options.em_max_pairs,
            )
        except ValueError:
            # On very little data EM can drive a level's m to zero, which Splink
            # refuses mid-session; start again from the model as it was before.
            logging.getLogger(__name__).warning("EM blocked on %s did not converge", rule)
            linker = Linker(frame, floor_probabilities(before), log_level=logging.WARNING)
    # The prior: pairs the deterministic rule finds, over that rule's recall, which
    # the trained model itself estimates (see deterministic_recall).
    linker.training.estimate_probability_two_random_records_match(
        [DETERMINISTIC_RULE],
        recall=deterministic_recall(sample, linker.misc.save_model_to_json()),
    )
    model = neutral_levels(floor_probabilities(linker.misc.save_model_to_json()))
    # The prior estimated on a sample is too high for the whole: pairs grow with n².
    scale = sample.num_rows / max(table.num_rows, 1)
    model["probability_two_random_records_match"] = float(
        model["probability_two_random_records_match"]
    ) * (scale if table.num_rows > sample.num_rows else 1.0)
    return model


PROBABILITY_FLOOR = 1e-4
"""No level's m probability goes below this (u: U_FLOOR), so no comparison is absolute.

Unsupervised training can put m = 0 on a level it never saw among matches
(a different gender, a different nominal in the same system); a weight of
minus seventy bits would then overrule every other piece of evidence. Real
records carry mistakes, so the floor caps any one disagreement
near -13 bits.
"""

U_FLOOR = 1e-6


def floor_probabilities(model: dict[str, Any]) -> dict[str, Any]:
    """Raise every level's m and u to their floors and renormalise each comparison."""
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for key, floor in (("m_probability", PROBABILITY_FLOOR), ("u_probability", U_FLOOR)):
            values = [max(float(lv.get(key) or 0.0), floor) for lv in levels]
            total = sum(values)
            for level, value in zip(levels, values, strict=True):
                level[key] = value / total
    return model


def model_for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The trained parameters on this module's settings, written in ``dialect``'s SQL.

    A saved model carries its comparisons as SQL of the backend that trained
    it; a model trained on DuckDB must be re-expressed before Spark can use it
    (and the other way). Parameters are matched by comparison name and level
    order, so a model saved by a different version of the comparisons is
    refused (None is returned by :func:`load_model` in that case).
    """
    if model.get("sql_dialect") == dialect:
        # Blocking is this module's, not the saved model's: a model trained before a
        # rule changed still scores with the rules the features are built for.
        return {**model, "blocking_rules_to_generate_predictions": _blocking_rules(dialect)}
    fresh: dict[str, Any] = settings_creator().get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    trained = {str(c["output_column_name"]): c for c in model["comparisons"]}
    for comparison in fresh["comparisons"]:
        old = trained.get(str(comparison["output_column_name"]))
        if old is None or len(old["comparison_levels"]) != len(comparison["comparison_levels"]):
            raise ValueError("the saved model does not fit these comparisons")
        for level, old_level in zip(
            comparison["comparison_levels"], old["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in old_level:
                    level[key] = old_level[key]
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    fresh["sql_dialect"] = dialect
    return fresh


def _blocking_rules(dialect: str) -> list[Any]:
    settings: dict[str, Any] = settings_creator().get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    return list(settings["blocking_rules_to_generate_predictions"])


NEUTRAL_ELSE = ("aliases",)
"""Comparisons whose disagreement is no evidence: aliases are partial and situational, so
two records listing different nicknames say nothing against being one person."""


def neutral_levels(model: dict[str, Any]) -> dict[str, Any]:
    """Give the 'else' level of each NEUTRAL_ELSE comparison a weight of zero (m = u)."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] in NEUTRAL_ELSE:
            last = comparison["comparison_levels"][-1]
            last["m_probability"] = last["u_probability"]
    return model


def save_model(model: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(model, indent=1))
    tmp.replace(path)


def load_model(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


EDGE_COLUMNS = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]


def _edges(frame: SplinkDataFrame) -> pa.Table:
    table: pa.Table = frame.as_pyarrow_table()  # type: ignore[no-untyped-call]
    keep = [c for c in table.column_names if c in EDGE_COLUMNS or c.startswith("mw_")]
    return table.select(keep)


def predict_all(backend: Backend, table: pa.Table, model: dict[str, Any]) -> pa.Table:
    """Score every blocked pair among ``table``'s subjects; keep pairs above CANDIDATE_WEIGHT."""
    frame = backend.register(table)
    linker = Linker(frame, model_for_dialect(model, backend.dialect), log_level=logging.WARNING)
    return _edges(
        linker.inference.predict(threshold_match_weight=CANDIDATE_WEIGHT, warning_mode="never")
    )


def blocked_with(backend: Backend, existing: pa.Table, new: pa.Table) -> pa.Table:
    """The existing subjects that some blocking rule pairs with a new one.

    Splink scores new against existing (``predict_between``) by blocking the
    two tables together, which at a million existing subjects costs about what
    blocking them all costs. Most existing subjects share no key with a few new
    ones: a semi-join per rule (the new subjects, few, on the build side) finds
    those that do, and only they are handed to Splink, which finds the same
    pairs among them. On DuckDB; other backends get every existing subject.
    """
    from threadline.resolve.backends import DuckDBBackend

    if not isinstance(backend, DuckDBBackend) or not existing.num_rows or not new.num_rows:
        return existing
    rules = [r["blocking_rule"] for r in _blocking_rules(backend.dialect)]
    # The existing subjects are the left side ("l.") of predict_between, the new the right.
    joins = [
        "SELECT e.unique_id FROM __existing e SEMI JOIN __new n ON "  # noqa: S608 - our rules
        + re.sub(r"\br\.", "n.", re.sub(r"\bl\.", "e.", rule))
        for rule in rules
    ]
    connection = backend.connection
    connection.register("__existing", existing)
    connection.register("__new", new)
    try:
        rows = connection.sql(" UNION ".join(joins)).to_arrow_table()["unique_id"]
    finally:
        connection.unregister("__existing")
        connection.unregister("__new")
    return existing.filter(pc.is_in(existing["unique_id"], rows))


def predict_new(
    backend: Backend, existing: pa.Table, new: pa.Table, model: dict[str, Any]
) -> pa.Table:
    """Score the new subjects against each other and against the existing ones."""
    existing = blocked_with(backend, existing, new)
    new_frame = backend.register(new)
    linker = Linker(new_frame, model_for_dialect(model, backend.dialect), log_level=logging.WARNING)
    parts = [
        _edges(
            linker.inference.predict_within(
                new_frame, threshold_match_weight=CANDIDATE_WEIGHT, warning_mode="never"
            )
        )
    ]
    if existing.num_rows:
        old_frame = backend.register(existing)
        parts.append(
            _edges(
                linker.inference.predict_between(
                    old_frame,
                    new_frame,
                    threshold_match_weight=CANDIDATE_WEIGHT,
                    warning_mode="never",
                )
            )
        )
    return pa.concat_tables(parts, promote_options="default")


NAME_FREQUENCY = "name frequency"
"""The evidence key of the term-frequency adjustment (``mw_name_frequency``)."""


def _exact_name_level(model: dict[str, Any]) -> tuple[float, float] | None:
    """(match weight, u) of the name comparison's exact level."""
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] != "name":
            continue
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") == "exact":
                m, u = float(level["m_probability"]), float(level["u_probability"])
                return math.log2(m / u), u
    return None


def adjust_for_name_frequency(scored: pa.Table, names: pa.Table, model: dict[str, Any]) -> pa.Table:
    """Splink's term-frequency adjustment of the exact name level, over the whole workspace.

    Two records with the same forename and surname are stronger evidence when
    few records carry that name: the exact level's u (how often random pairs
    agree) is replaced by the name's own frequency, the larger of the two
    sides', as Splink does (``tf_adjustment_weight`` 1). A rare name weighs
    more, a common one less. Frequencies are counted over ``names`` (every
    subject resolved, with its ``unique_id``, ``fn`` and ``sn``): computed at
    each run from the features saved beside the model, so a full run, an
    incremental run and a saved model all weigh a name the same way. Adds
    ``mw_name_frequency`` and adjusts ``match_weight`` and ``match_probability``.
    """
    exact = _exact_name_level(model)
    if exact is None or scored.num_rows == 0 or names.num_rows == 0:
        return scored.append_column(
            "mw_name_frequency", pa.array([0.0] * scored.num_rows, pa.float64())
        )
    import numpy as np

    exact_weight, u_exact = exact
    named = names.filter(pc.and_(pc.is_valid(names["fn"]), pc.is_valid(names["sn"])))
    key = pc.binary_join_element_wise(named["fn"], named["sn"], "\x1f")
    counts = pa.table({"key": key}).group_by("key").aggregate([("key", "count")])
    at = pc.index_in(key, counts["key"].combine_chunks())
    count = counts["key_count"].combine_chunks().take(at).to_numpy(zero_copy_only=False)
    uids = named["unique_id"].to_numpy()
    frequency = np.full(int(pc.max(names["unique_id"]).as_py()) + 1, np.nan)
    frequency[uids] = count.astype(float) / max(len(uids), 1)
    left = scored["unique_id_l"].to_numpy()
    right = scored["unique_id_r"].to_numpy()
    inside = (left < frequency.size) & (right < frequency.size)
    tf = np.full(scored.num_rows, np.nan)
    tf[inside] = np.fmax(frequency[left[inside]], frequency[right[inside]])
    name_weight = np.nan_to_num(scored["mw_name"].to_numpy(zero_copy_only=False), nan=0.0)
    applies = (np.abs(name_weight - exact_weight) < 1e-6) & ~np.isnan(tf) & (tf > 0)
    adjustment = np.zeros(scored.num_rows)
    adjustment[applies] = np.log2(u_exact / tf[applies])
    weight = scored["match_weight"].to_numpy(zero_copy_only=False) + adjustment
    probability = 1.0 / (1.0 + np.exp2(-weight))
    out = scored.set_column(
        scored.schema.get_field_index("match_weight"), "match_weight", pa.array(weight)
    )
    out = out.set_column(
        out.schema.get_field_index("match_probability"),
        "match_probability",
        pa.array(probability),
    )
    return out.append_column("mw_name_frequency", pa.array(adjustment))


def level_weights(model: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """Comparison name → (match weight, label) of each level the model scores.

    Splink 5 reports each pair's weight per comparison (``mw_<name>``), not the
    level; the level is the one whose weight log2(m/u) that is. A comparison
    missing on either side weighs 0 and is not listed as evidence.
    """
    weights: dict[str, list[tuple[float, str]]] = {}
    for comparison in model["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = float(level["m_probability"]), float(level["u_probability"])
            levels.append((math.log2(m / u), str(level.get("label_for_charts", ""))))
        weights[str(comparison["output_column_name"])] = levels
    return weights
