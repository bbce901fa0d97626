"""components.list_patch: the edits it sends turn the old list into the new one, as the browser applies them."""
from __future__ import annotations

import random
from typing import Any

import pytest
from dash import Patch, no_update

from components.list_patch import list_patch


def apply(items: list[Any], patch: Patch) -> list[Any]:
    """Apply a Patch's wire operations to a top-level list, the way dash-renderer does (ramda)."""
    result = list(items)
    for op in patch.to_plotly_json()["operations"]:
        name, location, params = op["operation"], op["location"], op["params"]
        if name == "Assign":
            result[location[0]] = params["value"]
        elif name == "Delete":
            del result[location[0]]
        elif name == "Insert":
            assert location == []
            result.insert(params["index"], params["value"])
        else:
            raise AssertionError(f"unexpected operation {name}")
    return result


def test_a_new_row_at_the_top_is_one_insert() -> None:
    old = ["b", "c", "d", "e"]
    new = ["a", "b", "c", "d", "e"]
    patch = list_patch(old, new, [f"row {k}" for k in new])
    ops = patch.to_plotly_json()["operations"]
    assert [(o["operation"], o["params"]) for o in ops] == [("Insert", {"value": "row a", "index": 0})]
    assert apply([f"row {k}" for k in old], patch) == [f"row {k}" for k in new]


def test_a_changed_row_is_one_assignment() -> None:
    patch = list_patch(["a", "b1", "c", "d"], ["a", "b2", "c", "d"], ["A", "B2", "C", "D"])
    ops = patch.to_plotly_json()["operations"]
    assert [(o["operation"], o["location"]) for o in ops] == [("Assign", [1])]


def test_same_keys_send_nothing() -> None:
    assert list_patch(["a", "b"], ["a", "b"], ["A", "B"]) is no_update


def test_mostly_changed_lists_are_sent_whole() -> None:
    assert list_patch(["a", "b", "c", "d"], ["w", "x", "y", "d"], ["W", "X", "Y", "D"]) == ["W", "X", "Y", "D"]
    assert list_patch([], ["a"], ["A"]) == ["A"]


@pytest.mark.parametrize("seed", range(200))
def test_random_edits_reproduce_the_new_list(seed: int) -> None:
    rng = random.Random(seed)
    old = [f"k{i}" for i in range(rng.randint(0, 40))]
    new = list(old)
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.4 or not new:
            new.insert(rng.randint(0, len(new)), f"n{rng.random():.6f}")
        elif roll < 0.7:
            del new[rng.randrange(len(new))]
        else:
            new[rng.randrange(len(new))] = f"c{rng.random():.6f}"
    items = [f"item {k}" for k in new]
    result = list_patch(old, new, items, max_changed_share=1.0)
    if result is no_update:
        assert old == new
    elif isinstance(result, list):  # more edits than items (deletions, or from empty): sent whole
        assert result == items
    else:
        assert apply([f"item {k}" for k in old], result) == items
