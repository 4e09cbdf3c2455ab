"""The one small-number rule for anything published: counts under 5, and what would give them away.

Reports for committee papers and their downloads (the compliance public summary, the
publishable ward hot spots) hide small counts, so that nobody can be singled out (the public
sector equality duty; see DOMAIN.md):

- **Primary suppression.** A count under ``SMALL_NUMBER`` (5), zero included, reads
  "fewer than 5" (``FEWER_THAN``); totals too.
- **Secondary suppression.** A count of 5 or more that would let a hidden one be worked out by
  subtraction reads "not shown" (``HIDDEN``). Counts are tied together by sums that are
  published (a row and its total, a column and its total, Everyone = Administration +
  Opposition); ``Sum`` names each. Hidden counts are never left alone in a sum: when one is, the
  smallest other part is hidden with it. Then, because several sums together can still pin a
  count down (on a grid, a row and a column through it), every hidden count is checked against
  all the published sums at once (linear algebra over the exact counts), and another count is
  hidden beside any that could be worked out, until none can.

``suppressed`` is the rule; ``suppress_grid`` applies it to a table of rows × columns with a
total for each row, each column and the whole. ``events.compliance`` and ``crm.hotspots`` both
call it: nothing else decides what is hidden.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

SMALL_NUMBER = 5  # counts under this are shown as "fewer than 5" in anything published
FEWER_THAN = f"fewer than {SMALL_NUMBER}"
HIDDEN = "not shown"  # a count of 5 or more hidden so that a small one cannot be worked out from it

SUPPRESSION_NOTE = (
    f"Counts under {SMALL_NUMBER} are shown as “{FEWER_THAN}”. Some larger counts are “{HIDDEN}” so that a small "
    "one cannot be worked out by subtraction, from a row's total or from the other groups' counts."
)


@dataclass(frozen=True)
class Sum:
    """A published relation between counts: ``total`` is the sum of ``parts``.

    ``together``: hide all of them as soon as one is hidden (``events.compliance`` asks this of
    Everyone = Administration + Opposition, where any two would bracket the third too closely).
    """

    total: Hashable
    parts: tuple[Hashable, ...]
    together: bool = False

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def suppressed(counts: Mapping[Hashable, int], sums: Sequence[Sum]) -> frozenset[Hashable]:
    """The keys of ``counts`` to hide before publishing: primary, then secondary suppression.

    ``sums`` are the relations a reader can subtract with; every key they name must be in
    ``counts``. When a second count must be hidden, a part is chosen before a total (totals stay
    published where they can), one that also protects a lone hidden count in another sum before
    one that does not, then the smallest; between equal counts, the one given first.
    """
    order = {key: n for n, key in enumerate(counts)}
    around: dict[Hashable, list[Sum]] = {key: [] for key in counts}
    for relation in sums:
        for key in relation.members:
            around[key].append(relation)

    def lone(relation: Sum) -> bool:
        return sum(key in hidden for key in relation.members) == 1

    def smallest(keys, *, beside: Sum | None = None):
        # A count that also keeps company with a lone hidden count in its other sum protects two at once.
        return min(
            keys,
            key=lambda key: (
                not any(other is not beside and lone(other) for other in around[key]),
                counts[key],
                order[key],
            ),
        )

    hidden = {key for key, count in counts.items() if count < SMALL_NUMBER}
    changed = True
    while changed:
        changed = False
        # A sum that hides together: one hidden hides them all.
        for relation in sums:
            if relation.together:
                members = set(relation.members)
                if hidden & members and not members <= hidden:
                    hidden |= members
                    changed = True
        if changed:
            continue
        # A hidden count alone in a sum is the sum minus the rest: hide the next smallest with it.
        for relation in sums:
            if lone(relation):
                shown_parts = [key for key in relation.parts if key not in hidden]
                candidates = shown_parts or [key for key in relation.members if key not in hidden]
                if candidates:
                    hidden.add(smallest(candidates, beside=relation))
                    changed = True
        if changed:
            continue
        # Several sums at once (a row and a column through a count) can still pin one down.
        found = _worked_out(hidden, sums)
        if found is not None:
            shown_parts = [key for relation in around[found] for key in relation.parts if key not in hidden]
            shown_any = [key for relation in around[found] for key in relation.members if key not in hidden]
            candidates = shown_parts or shown_any or [key for key in counts if key not in hidden]
            if candidates:
                hidden.add(smallest(candidates))
                changed = True
    return frozenset(hidden)


def _worked_out(hidden: set[Hashable], sums: Sequence[Sum]) -> Hashable | None:
    """A hidden key whose count follows from the published counts and the sums, or None.

    Each sum is an equation in the hidden counts (the shown ones are known numbers). A hidden
    count is determined exactly when, in the reduced row echelon form of those equations, some
    row has only that count in it.
    """
    unknowns = sorted(hidden, key=repr)
    column = {key: n for n, key in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for relation in sums:
        row = [Fraction(0)] * len(unknowns)
        for key, coefficient in ((relation.total, -1), *((part, 1) for part in relation.parts)):
            if key in column:
                row[column[key]] += coefficient
        if any(row):
            rows.append(row)
    pivot_row = 0
    for col in range(len(unknowns)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(rows):
            break
    for row in rows[:pivot_row]:
        nonzero = [n for n, value in enumerate(row) if value]
        if len(nonzero) == 1:
            return unknowns[nonzero[0]]
    return None


def shown(count: int, hidden: bool) -> str:
    """A count as published: the number, or why it is not there."""
    if not hidden:
        return str(count)
    return FEWER_THAN if count < SMALL_NUMBER else HIDDEN


@dataclass
class PublishedGrid:
    """A rows × columns table as it may be published: every count, and every total, as text."""

    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[str]]
    row_totals: list[str]
    column_totals: list[str]
    total: str
    hidden: frozenset = field(default_factory=frozenset)  # ("cell", r, c), ("row", r), ("column", c), ("all",)

    def table(self, *, corner: str = "", total_label: str = "Total") -> tuple[list[str], list[list[str]]]:
        """Headings, then one row per row label and a last row of column totals: ready for a page or a CSV."""
        headings = [corner, *self.column_labels, total_label]
        rows = [
            [label, *cells, row_total]
            for label, cells, row_total in zip(self.row_labels, self.cells, self.row_totals, strict=True)
        ]
        rows.append([total_label, *self.column_totals, self.total])
        return headings, rows


def grid_sums(rows: int, columns: int) -> list[Sum]:
    """The sums a grid with totals publishes: each row, each column, and the grand total both ways."""
    sums = [Sum(("row", r), tuple(("cell", r, c) for c in range(columns))) for r in range(rows)]
    sums += [Sum(("column", c), tuple(("cell", r, c) for r in range(rows))) for c in range(columns)]
    sums.append(Sum(("all",), tuple(("row", r) for r in range(rows))))
    sums.append(Sum(("all",), tuple(("column", c) for c in range(columns))))
    return sums


def suppress_grid(
    counts: Sequence[Sequence[int]],
    *,
    row_labels: Sequence[str] = (),
    column_labels: Sequence[str] = (),
) -> PublishedGrid:
    """A grid of counts with its row, column and grand totals, small numbers suppressed (``suppressed``)."""
    n_rows = len(counts)
    n_columns = len(counts[0]) if n_rows else len(column_labels)
    values: dict[Hashable, int] = {}
    for r, row in enumerate(counts):
        if len(row) != n_columns:
            raise ValueError("Every row of the grid needs the same number of columns.")
        for c, count in enumerate(row):
            values[("cell", r, c)] = count
    for r, row in enumerate(counts):
        values[("row", r)] = sum(row)
    for c in range(n_columns):
        values[("column", c)] = sum(row[c] for row in counts)
    values[("all",)] = sum(values[("row", r)] for r in range(n_rows))
    hidden = suppressed(values, grid_sums(n_rows, n_columns))

    def text(key):
        return shown(values[key], key in hidden)

    return PublishedGrid(
        row_labels=list(row_labels) or [str(r + 1) for r in range(n_rows)],
        column_labels=list(column_labels) or [str(c + 1) for c in range(n_columns)],
        cells=[[text(("cell", r, c)) for c in range(n_columns)] for r in range(n_rows)],
        row_totals=[text(("row", r)) for r in range(n_rows)],
        column_totals=[text(("column", c)) for c in range(n_columns)],
        total=text(("all",)),
        hidden=hidden,
    )
