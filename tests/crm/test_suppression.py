"""The one small-number rule (crm.suppression): primary and secondary suppression on a grid with totals.

Whether a hidden count can be worked out is checked here independently of the module's linear algebra:
a grid with its totals is a bipartite graph (a vertex per row and column, the total row and total column
included; each count an edge), and a hidden count follows from the published ones exactly when its edge
is a bridge of the graph of hidden counts (no cycle of hidden counts to shift it around).
"""

from __future__ import annotations

import random

import pytest

from crm.suppression import FEWER_THAN, HIDDEN, Sum, suppress_grid, suppressed
from events import compliance


def _edges(n_rows: int, n_columns: int, hidden) -> dict:
    """Each hidden count as an edge between two vertices: ("r", i) / ("c", j), "R" the total row, "C" the total column."""
    edges = {}
    for key in hidden:
        if key[0] == "cell":
            edges[key] = (("r", key[1]), ("c", key[2]))
        elif key[0] == "row":
            edges[key] = (("r", key[1]), "C")
        elif key[0] == "column":
            edges[key] = ("R", ("c", key[1]))
        else:
            edges[key] = ("R", "C")
    return edges


def recoverable(n_rows: int, n_columns: int, hidden) -> list:
    """The hidden counts a reader could work out by adding and subtracting the published ones."""
    edges = _edges(n_rows, n_columns, hidden)
    found = []
    for key, (start, end) in edges.items():
        neighbours: dict = {}
        for other, (a, b) in edges.items():
            if other != key:
                neighbours.setdefault(a, []).append(b)
                neighbours.setdefault(b, []).append(a)
        seen, todo = {start}, [start]
        while todo:
            for nxt in neighbours.get(todo.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        if end not in seen:
            found.append(key)
    return found


def test_primary_suppression_hides_counts_under_five_and_shows_the_rest():
    grid = suppress_grid([[12, 9], [7, 30]], row_labels=["Addison", "Grove"], column_labels=["Q1", "Q2"])
    assert grid.cells == [["12", "9"], ["7", "30"]]
    assert (grid.row_totals, grid.column_totals, grid.total) == (["21", "37"], ["19", "39"], "58")
    headings, rows = grid.table(corner="Ward")
    assert headings == ["Ward", "Q1", "Q2", "Total"]
    assert rows == [["Addison", "12", "9", "21"], ["Grove", "7", "30", "37"], ["Total", "19", "39", "58"]]


def test_a_small_cell_on_a_grid_hides_three_more_so_no_row_or_column_gives_it_away():
    """3 in row A, column Q3: its row and its column each need a second hidden count, and so on round."""
    grid = suppress_grid([[10, 12, 3], [8, 9, 11], [7, 20, 15]], column_labels=["Q1", "Q2", "Q3"])
    assert grid.cells == [
        [HIDDEN, "12", FEWER_THAN],
        ["8", "9", "11"],
        [HIDDEN, "20", HIDDEN],
    ]
    # Totals stay published: the hidden ones make a rectangle, which subtraction cannot undo.
    assert (grid.row_totals, grid.column_totals, grid.total) == (["25", "28", "42"], ["25", "41", "29"], "95")
    assert recoverable(3, 3, grid.hidden) == []


def test_a_small_total_reads_fewer_than_5_and_is_protected_too():
    grid = suppress_grid([[1, 2], [20, 30], [25, 9]])
    assert grid.row_totals[0] == FEWER_THAN
    assert grid.cells[0] == [FEWER_THAN, FEWER_THAN]
    assert recoverable(3, 2, grid.hidden) == []
    # The total column: a small row total alone would be the grand total minus the others.
    assert sum(key[0] == "row" for key in grid.hidden) >= 2 or ("all",) in grid.hidden


def test_hidden_counts_linked_only_through_several_sums_are_protected_too():
    """Every row and column with a hidden count has two, yet the count joining two blocks follows from the sums.

    Rows 0-1 × columns 0-1 and rows 2-3 × columns 2-3 are small, and so is (0, 2) between them:
    row 0 + row 1 - column 0 - column 1 gives (0, 2) exactly. One more count must be hidden.
    """
    big = 40
    counts = [[big] * 4 for _ in range(4)]
    for r, c in ((0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)):
        counts[r][c] = 2
    primary = {("cell", r, c) for r in range(4) for c in range(4) if counts[r][c] < 5}
    assert recoverable(4, 4, primary) == [("cell", 0, 2)], "the example needs a count the pairs rule misses"
    grid = suppress_grid(counts)
    assert recoverable(4, 4, grid.hidden) == []
    assert len(grid.hidden) > len(primary)
    assert all(value == HIDDEN for key in grid.hidden - primary for value in [_text(grid, key)])


def _text(grid, key):
    if key[0] == "cell":
        return grid.cells[key[1]][key[2]]
    if key[0] == "row":
        return grid.row_totals[key[1]]
    if key[0] == "column":
        return grid.column_totals[key[1]]
    return grid.total


@pytest.mark.parametrize("seed", range(25))
def test_no_hidden_count_can_be_worked_out_on_random_grids(seed):
    rng = random.Random(seed)
    n_rows, n_columns = rng.randint(1, 8), rng.randint(1, 5)
    counts = [[rng.choice([0, 1, 3, 4, 5, 6, 8, 12, 20, 45]) for _ in range(n_columns)] for _ in range(n_rows)]
    grid = suppress_grid(counts)
    assert recoverable(n_rows, n_columns, grid.hidden) == [], counts
    for r, row in enumerate(counts):
        for c, count in enumerate(row):
            shown = grid.cells[r][c]
            if count < 5:
                assert shown == FEWER_THAN
            else:
                assert shown in (str(count), HIDDEN)


def test_sums_that_hide_together():
    counts = {"everyone": 9, "side a": 6, "side b": 3, "x": 50}
    assert suppressed(counts, [Sum("everyone", ("side a", "side b"), together=True)]) == {
        "everyone",
        "side a",
        "side b",
    }
    assert suppressed(counts, [Sum("everyone", ("side a", "side b"))]) == {"side a", "side b"}


def test_the_compliance_summary_uses_this_same_rule():
    """events.compliance publishes through crm.suppression: the very function, not a copy."""
    assert compliance.suppressed is suppressed
    assert (compliance.FEWER_THAN, compliance.HIDDEN) == (FEWER_THAN, HIDDEN)


def test_the_compliance_summary_no_longer_gives_a_small_sides_total_away():
    """Everyone's total minus the Administration's was the Opposition's "fewer than 5" total, exactly."""
    rows = [
        compliance.CountRow("Everyone", _counts(10, 0, 0, 0, 3)),
        compliance.CountRow("Administration", _counts(10, 0, 0, 0, 0)),
        compliance.CountRow("Opposition", _counts(0, 0, 0, 0, 3)),
    ]
    table = {label: total for label, _, total in compliance.published_table(rows)}
    assert table["Opposition"] == FEWER_THAN
    assert HIDDEN in (table["Everyone"], table["Administration"])


def _counts(complete, due, expired, booked, not_started):
    return {"complete": complete, "due_renewal": due, "expired": expired, "booked": booked, "not_started": not_started}
