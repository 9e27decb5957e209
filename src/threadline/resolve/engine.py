"""Resolving people, without the store: features in, clusters and their joins out.

The stage (``stage.py``) and the benchmark (``bench/resolve.py``) both call
these functions, so what is measured is what runs.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from threadline.analyse.stage import SilentProgress, StageProgress
from threadline.resolve import features, fragments, people
from threadline.resolve.backends import Backend
from threadline.resolve.cluster import Clusters, cluster, dates_compatible
from threadline.resolve.features import SubjectRow


@dataclass
class PersonEdge:
    """A join between two subjects (by row number) and its evidence."""

    left: int
    right: int
    weight: float
    probability: float | None
    evidence: dict[str, Any]


@dataclass
class PeopleResult:
    groups: list[list[int]]
    """Clusters of row numbers (``unique_id``)."""
    joins: list[PersonEdge]
    """The joins that made the clusters (a spanning forest), must-links included."""
    model: dict[str, Any] | None
    """The model the pairs were scored with; None when too few subjects to train one."""
    scored_pairs: int


def features_table(rows: Sequence[SubjectRow], start: int = 0) -> pa.Table:
    """The model's input for ``rows``, numbered from ``start``, on every core when large."""
    return features.features_table(rows, start, workers=os.cpu_count() or 1)


@dataclass
class ScoredPairs:
    """Pairs at or above ATTACH_THRESHOLD, strongest first, kept as columns.

    Evidence is read only for the pairs that end up joining (a million subjects
    give millions of pairs; their evidence as Python objects would not fit).
    """

    table: pa.Table
    left: list[int]
    right: list[int]
    weight: list[float]
    probability: list[float]
    levels: dict[str, list[tuple[float, str]]]

    def edges(self, indices: Sequence[int]) -> list[PersonEdge]:
        if not indices:
            return []
        picked = self.table.take(pa.array(list(indices), pa.int64()))
        found: list[dict[str, Any]] = [{} for _ in indices]
        for name, options in self.levels.items():
            column = f"mw_{name}"
            if column not in picked.column_names or not options:
                continue
            labels: dict[float, str] = {}  # a comparison has a handful of distinct weights
            for out, weight in zip(found, picked[column].to_pylist(), strict=True):
                if weight is None or weight == 0.0:
                    continue
                label = labels.get(weight)
                if label is None:
                    label = labels[weight] = min(options, key=lambda o: abs(o[0] - weight))[1]
                out[name] = {"level": label, "weight": round(float(weight), 2)}
        if "mw_name_frequency" in picked.column_names:
            for out, weight in zip(found, picked["mw_name_frequency"].to_pylist(), strict=True):
                if weight:
                    out[people.NAME_FREQUENCY] = {
                        "level": "how many records carry the name",
                        "weight": round(float(weight), 2),
                    }
        return [
            PersonEdge(self.left[i], self.right[i], self.weight[i], self.probability[i], ev)
            for i, ev in zip(indices, found, strict=True)
        ]


def person_edges(scored: pa.Table, model: dict[str, Any]) -> ScoredPairs:
    """Pairs at or above ATTACH_THRESHOLD, strongest first (ties by row number)."""
    table = scored.filter(pc.greater_equal(scored["match_probability"], people.ATTACH_THRESHOLD))
    table = table.sort_by(
        [("match_weight", "descending"), ("unique_id_l", "ascending"), ("unique_id_r", "ascending")]
    )
    return ScoredPairs(
        table,
        table["unique_id_l"].to_pylist(),
        table["unique_id_r"].to_pylist(),
        table["match_weight"].to_pylist(),
        table["match_probability"].to_pylist(),
        people.level_weights(model),
    )


def dates_of_birth(table: pa.Table, rows: Sequence[int] | None = None) -> dict[int, str]:
    """Row number → date of birth, or ``~YYYY`` for a birth year an age gives (the traits
    ``cluster.dates_compatible`` compares), for the rows that have either."""
    if rows is not None:
        table = table.filter(pc.is_in(table["unique_id"], pa.array(list(rows), pa.int64())))
    out = {}
    for row, dob, year, from_age in zip(
        table["unique_id"].to_pylist(),
        table["dob"].to_pylist(),
        table["birth_year"].to_pylist(),
        table["birth_year_from_age"].to_pylist(),
        strict=True,
    ):
        if dob:
            out[row] = dob
        elif year is not None and from_age:
            out[row] = f"~{year}"
    return out


def nominals_of(table: pa.Table) -> dict[int, tuple[str, str]]:
    """Row number → (source system, nominal), for the rows that have one (what
    ``cluster.Clusters.nominals_agree`` compares)."""
    return {
        row: (system, nominal)
        for row, nominal, system in zip(
            table["unique_id"].to_pylist(),
            table["nominal"].to_pylist(),
            table["nominal_system"].to_pylist(),
            strict=True,
        )
        if nominal and system
    }


def _cluster(
    nodes: Sequence[int],
    pairs: ScoredPairs,
    must: list[tuple[int, int]],
    cannot: list[tuple[int, int]],
    fixed: list[tuple[int, int]],
    dobs: dict[int, str],
    listed: list[fragments.Listing] = [],  # noqa: B006 - read only
    table: pa.Table | None = None,
) -> tuple[list[list[int]], list[PersonEdge]]:
    """Cluster: must-links and fixed links, strong pairs, singletons attached by weak
    pairs, then fragments joined where the material lists one's record (``listed``,
    whose rows' features ``table`` holds). No join puts two nominals of one source
    system (from ``table``) in one cluster, unless a judgement does."""
    first = must + fixed
    threshold = people.match_threshold()
    strong = [i for i, p in enumerate(pairs.probability) if p >= threshold]
    ambiguous = _ambiguous_subjects(strong, pairs, dobs)
    strong = [
        i for i in strong if pairs.left[i] not in ambiguous and pairs.right[i] not in ambiguous
    ]
    strong, home_only = _home_only(pairs, strong)
    clusters, used = cluster(
        nodes,
        ((pairs.left[i], pairs.right[i]) for i in strong),
        must=first,
        cannot=cannot,
        traits=dobs,
        compatible=dates_compatible,
        nominals=nominals_of(table) if table is not None else None,
    )
    joins = []
    for index in used:
        if index < len(must):
            a, b = must[index]
            joins.append(PersonEdge(a, b, math.inf, 1.0, {"judgement": "same"}))
    joins.extend(pairs.edges([strong[index - len(first)] for index in used if index >= len(first)]))
    weak = [
        i
        for i, p in enumerate(pairs.probability)
        if p < threshold and pairs.left[i] not in ambiguous and pairs.right[i] not in ambiguous
    ]
    # A subject a home-only pair will join waits for it: attached now by a weaker pair,
    # its explanation (and its entity's weakest join) would be the weaker one.
    waiting = {n for i in home_only for n in (pairs.left[i], pairs.right[i])}
    joins.extend(_attach_singletons(clusters, pairs, weak, Whereabouts.of(table), waiting))
    joins.extend(_join_fragments(clusters, listed, table))
    joins.extend(
        pairs.edges([i for i in home_only if clusters.union(pairs.left[i], pairs.right[i])])
    )
    return clusters.groups(), joins


CORROBORATING = ("dob", "phones", "vehicles", "aliases", "nominal")
"""Comparisons whose agreement says more about a person than a shared home: a family
shares a home (and a name, father and son), not a date of birth or a phone."""


def _home_only(pairs: ScoredPairs, strong: list[int]) -> tuple[list[int], list[int]]:
    """``strong`` (strongest first) parted into the pairs that rest on more than a name
    and a home, and those that rest on a name and a home alone (in the same order).

    The second are what a father and son, or two men of one name at one address a few
    years apart, share: joined last, they meet clusters the better-founded joins have
    already made, with their nominals and dates, so that a conflict refuses them
    rather than a better-founded join (``cluster.Clusters.union`` refuses the join
    that would complete a conflict, so order decides which join goes).
    """
    table = pairs.table
    if "mw_home" not in table.column_names:
        return strong, []

    def agrees(column: str) -> pa.Array:
        return pc.fill_null(pc.greater(table[column], 0.0), False)

    home_only = agrees("mw_home")
    for name in CORROBORATING:
        if f"mw_{name}" in table.column_names:
            home_only = pc.and_(home_only, pc.invert(agrees(f"mw_{name}")))
    flags = home_only.to_pylist()
    return [i for i in strong if not flags[i]], [i for i in strong if flags[i]]


def _join_fragments(
    clusters: Clusters, listed: list[fragments.Listing], table: pa.Table | None
) -> list[PersonEdge]:
    """The second pass of ``fragments.py``, with the features of the clusters it touches."""
    listed = [x for x in listed if x.left in clusters.parent and x.right in clusters.parent]
    if not listed or table is None:
        return []
    roots = {clusters.find(n) for x in listed for n in (x.left, x.right)}
    rows = sorted(r for root in roots for r in clusters.members[root])
    picked = table.filter(pc.is_in(table["unique_id"], pa.array(rows, pa.int64())))
    people_of = {r["unique_id"]: r for r in picked.select(fragments.COLUMNS).to_pylist()}
    return [
        PersonEdge(x.left, x.right, math.inf, None, x.evidence())
        for x in fragments.join_listed(clusters, listed, people_of)
    ]


AGE_ONLY = "consistent with a stated age"


def _ambiguous_subjects(strong: list[int], pairs: ScoredPairs, dobs: dict[int, str]) -> set[int]:
    """Undated subjects whose strong pairs reach subjects whose dates cannot be one person's:
    an ``Orla KELLY`` with no date at the home of a mother and a daughter of that name is
    either of them, and joins neither (a reviewer can, with a judgement)."""
    reached: dict[int, set[str]] = defaultdict(set)
    for i in strong:
        left, right = pairs.left[i], pairs.right[i]
        if left not in dobs and right in dobs:
            reached[left].add(dobs[right])
        if right not in dobs and left in dobs:
            reached[right].add(dobs[left])
    return {
        node
        for node, dates in reached.items()
        if any(not dates_compatible(a, b) for a, b in itertools.combinations(sorted(dates), 2))
    }


def corroborated(edge: PersonEdge) -> bool:
    """Whether a pair agrees on something besides a name, a gender and an age.

    A name with an age fits every man of that name and about that age; a weak
    pair needs a date of birth, an address, a phone, a vehicle, an alias or a
    nominal in common before it may attach a subject.
    """
    return bool(_corroboration(edge))


def _corroboration(edge: PersonEdge) -> list[tuple[str, str]]:
    """The comparisons (and levels) of a pair that agree on more than a name, a gender
    and an age."""
    found = []
    for name, level in edge.evidence.items():
        if name in ("name", "gender", people.NAME_FREQUENCY) or not isinstance(level, dict):
            continue
        if level.get("weight", 0.0) > 0 and level.get("level") != AGE_ONLY:
            found.append((name, str(level.get("level"))))
    return found


SLIPPED_DATES = ("one character off", "day and month swapped")
"""Date-of-birth levels that are a near agreement: a slip, or a second person."""

SAME_PERIOD_YEARS = 10
"""Records this many years apart or fewer may be one period of a person's life."""


@dataclass
class Whereabouts:
    """Where and when the material places each subject: its operation and the year of
    its record, action or event (row number → value; rows without one are absent)."""

    operation: dict[int, str]
    seen: dict[int, int]

    @classmethod
    def of(cls, table: pa.Table | None) -> Whereabouts:
        if table is None:
            return cls({}, {})
        rows = table["unique_id"].to_pylist()
        columns = [
            {r: v for r, v in zip(rows, table[name].to_pylist(), strict=True) if v is not None}
            for name in ("operation", "seen")
        ]
        return cls(*columns)

    def apart(self, node: int, members: Sequence[int]) -> bool:
        """Whether the material places ``node`` away from every one of ``members``: in
        another operation than all of them, and in a record more than SAME_PERIOD_YEARS
        from each of theirs (unknown dates place nothing)."""
        operation = self.operation.get(node)
        if operation is not None and any(self.operation.get(m) == operation for m in members):
            return False
        year = self.seen.get(node)
        years = [self.seen[m] for m in members if m in self.seen]
        if year is None or not years:
            return False
        return all(abs(year - y) > SAME_PERIOD_YEARS for y in years)


def slipped_date_only(edge: PersonEdge) -> bool:
    """Whether a pair's only corroboration (``corroborated``) is a date of birth that
    nearly agrees: one character off, or day and month swapped."""
    found = _corroboration(edge)
    return bool(found) and all(n == "dob" and level in SLIPPED_DATES for n, level in found)


def _attach_singletons(
    clusters: Clusters,
    pairs: ScoredPairs,
    weak: list[int],
    where: Whereabouts,
    waiting: set[int] = set(),  # noqa: B006 - read only
) -> list[PersonEdge]:
    """Second pass: a subject left alone joins the one cluster it is clearly closest to.

    Weak pairs (ATTACH_THRESHOLD up to the match threshold) never chain: only a
    singleton moves, to its best candidate, only by a corroborated pair, and only
    when no candidate in another cluster comes within ATTACH_MARGIN bits of it.
    Cannot-links and dates of birth are honoured as in the first pass. A pair whose
    only corroboration is a date of birth one slip off does not attach a subject the
    material places apart from the whole cluster (another operation, records more
    than SAME_PERIOD_YEARS away): a near date is a slip or a second person, and with
    nothing else in common, two men of one name born days apart and seen twenty years
    apart in unrelated operations are the second.
    """

    def alone(node: int) -> bool:
        return node not in waiting and len(clusters.members[clusters.find(node)]) == 1

    candidates = [i for i in weak if alone(pairs.left[i]) or alone(pairs.right[i])]
    best: dict[int, list[tuple[float, int, PersonEdge]]] = defaultdict(list)
    for edge in pairs.edges(candidates):
        if not corroborated(edge):
            continue
        for node, other in ((edge.left, edge.right), (edge.right, edge.left)):
            if alone(node):
                best[node].append((edge.weight, other, edge))
    joins = []
    for node in sorted(best):
        if not alone(node):
            continue  # something attached to it already
        by_cluster: dict[int, tuple[float, PersonEdge]] = {}
        for weight, other, edge in best[node]:
            root = clusters.find(other)
            if root not in by_cluster or weight > by_cluster[root][0]:
                by_cluster[root] = (weight, edge)
        ranked = sorted(by_cluster.values(), key=lambda x: -x[0])
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < people.ATTACH_MARGIN:
            continue  # two places it could go: leave it for a reviewer
        edge = ranked[0][1]
        other = edge.right if edge.left == node else edge.left
        members = clusters.members[clusters.find(other)]
        if slipped_date_only(edge) and where.apart(node, members):
            continue
        if clusters.union(edge.left, edge.right):
            joins.append(edge)
    return joins


def resolve_all(
    backend: Backend,
    table: pa.Table,
    model: dict[str, Any] | None,
    *,
    must: list[tuple[int, int]] = [],  # noqa: B006 - read only
    cannot: list[tuple[int, int]] = [],  # noqa: B006 - read only
    training: people.TrainingOptions | None = None,
    progress: StageProgress | None = None,
    release: Callable[[], None] | None = None,
) -> PeopleResult:
    """Train (unless given a model), score every blocked pair, and cluster everything.

    ``release`` is called once the pairs are scored (they are Arrow's by
    then): the stage closes DuckDB there, whose memory, up to its cap, was
    otherwise held through clustering and writing (at a million subjects the
    peak was reached in clustering, on top of it).

    With fewer than :data:`MIN_TRAINING_SUBJECTS` subjects and no saved model
    there is too little to estimate a model from without labels; subjects are
    then joined only by :func:`resolve_by_rule`, and no model is returned, so
    the first run with enough material trains one.
    """
    progress = progress or SilentProgress()
    if model is None:
        if table.num_rows < MIN_TRAINING_SUBJECTS:
            return resolve_by_rule(table, must, cannot)
        progress.start("training the person model", None)
        model = people.train(backend, table, training or people.TrainingOptions())
    progress.start("scoring pairs", None)
    scored = people.adjust_for_name_frequency(
        people.predict_all(backend, table, model), table, model
    )
    if release is not None:
        release()
    progress.start("clustering people", None)
    edges = person_edges(scored, model)
    scored_pairs = scored.num_rows
    del scored  # the pairs kept for clustering are in ``edges``
    groups, joins = _cluster(
        table["unique_id"].to_pylist(),
        edges,
        must,
        cannot,
        [],
        dates_of_birth(table),
        fragments.ties(table),
        table,
    )
    return PeopleResult(groups, joins, model, scored_pairs)


MIN_TRAINING_SUBJECTS = 100
"""Below this many subjects no model is trained: see :func:`resolve_by_rule`."""

RULE = "same forename, surname and date of birth"


def resolve_by_rule(
    table: pa.Table, must: list[tuple[int, int]], cannot: list[tuple[int, int]]
) -> PeopleResult:
    """Join only subjects with the same forename, surname and date of birth (and must-links),
    then fragments the material lists (``fragments.py``), as after the model.

    What a small bundle gets before there is enough material to train a model
    on: nothing fuzzy, so nothing wrong, and every join explained by the rule.
    Cannot-links and the date-of-birth check hold as in the model's clustering.
    """
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    columns = zip(
        table["unique_id"].to_pylist(),
        table["fn"].to_pylist(),
        table["sn"].to_pylist(),
        table["dob"].to_pylist(),
        strict=True,
    )
    for row, forename, surname, dob in columns:
        if forename and surname and dob:
            groups[(forename, surname, dob)].append(row)
    pairs = [(g[i], g[i + 1]) for g in groups.values() for i in range(len(g) - 1)]
    clusters, used = cluster(
        table["unique_id"].to_pylist(),
        pairs,
        must=must,
        cannot=cannot,
        traits=dates_of_birth(table),
        compatible=dates_compatible,
        nominals=nominals_of(table),
    )
    joins = []
    for index in used:
        if index < len(must):
            joins.append(PersonEdge(*must[index], math.inf, 1.0, {"judgement": "same"}))
        else:
            joins.append(PersonEdge(*pairs[index - len(must)], math.inf, 1.0, {"rule": RULE}))
    joins.extend(_join_fragments(clusters, fragments.ties(table), table))
    return PeopleResult(clusters.groups(), joins, None, len(pairs))


def resolve_added(
    backend: Backend,
    existing: pa.Table,
    added: pa.Table,
    model: dict[str, Any],
    *,
    entities_of: Callable[[set[int]], dict[int, str]],
    members_of: Callable[[set[str]], dict[str, list[int]]],
    must: list[tuple[int, int]] = [],  # noqa: B006 - read only
    cannot: list[tuple[int, int]] = [],  # noqa: B006 - read only
) -> tuple[PeopleResult, set[str]]:
    """Score the added subjects against each other and the existing ones; re-cluster locally.

    Only the existing entities that a new pair (or a judgement) touches are
    looked up (``entities_of`` maps row numbers to entity ids, ``members_of``
    entity ids to their rows). An existing entity stays whole: it may grow or
    merge, never split (a full run may split it). Returns the clusters of the
    added subjects and touched entities, and the touched entities' ids.
    """
    names = pa.concat_tables(
        [t.select(["unique_id", "fn", "sn"]) for t in (existing, added)], promote_options="default"
    )
    scored = people.adjust_for_name_frequency(
        people.predict_new(backend, existing, added, model), names, model
    )
    edges = person_edges(scored, model)
    added_rows = set(added["unique_id"].to_pylist())
    ends = set(edges.left) | set(edges.right) | {n for p in must + cannot for n in p}
    # Listings that involve an added subject are judged on both items whole, as in a
    # full run: every subject of those items, and so their entities, is touched.
    everyone = pa.concat_tables([existing, added], promote_options="default")
    items = fragments.items_touched(everyone, added_rows)
    if items:
        of_items = pc.is_in(everyone["item"], pa.array(sorted(items), pa.string()))
        ends.update(everyone.filter(of_items)["unique_id"].to_pylist())
    member_of = entities_of(ends - added_rows)
    touched = set(member_of.values())
    nodes = set(added_rows)
    fixed: list[tuple[int, int]] = []
    for _entity, rows in sorted(members_of(touched).items()):
        rows = sorted(rows)
        nodes.update(rows)
        fixed.extend((rows[0], r) for r in rows[1:])
    nodes.update(n for n in ends if n in nodes or n in added_rows)
    local = everyone.filter(pc.is_in(everyone["unique_id"], pa.array(sorted(nodes), pa.int64())))
    groups, joins = _cluster(
        sorted(nodes),
        edges,
        must,
        cannot,
        fixed,
        dates_of_birth(local),
        fragments.ties(local),
        local,
    )
    return PeopleResult(groups, joins, model, scored.num_rows), touched
