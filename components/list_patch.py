"""Send only what changed in a list of components: a Dash `Patch` from the keys of two lists.

A live list that gains one row should not cost every open console the whole list again: the
server knows the keys of what a console shows and of what it should show, and sends the edits
between them. Dash applies a callback's result only if no newer request of the same callback
was made meanwhile, so a patch always lands on the list it was computed from.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from difflib import SequenceMatcher
from typing import Any

from dash import Patch, no_update

# Above this share of changed items the whole list is smaller to send and simpler to apply.
MAX_CHANGED_SHARE = 0.5


def list_patch(old_keys: Sequence[Hashable], new_keys: Sequence[Hashable], new_items: Sequence[Any],
               max_changed_share: float = MAX_CHANGED_SHARE) -> Any:
    """Edits turning the list keyed by `old_keys` into `new_items` (keyed by `new_keys`).

    Returns `no_update` when the keys are equal, the whole new list when more than
    `max_changed_share` of it changed, else a `Patch` of assignments, deletions and insertions.
    A key must change whenever its item's content does (a digest of the item, say).
    """
    if list(old_keys) == list(new_keys):
        return no_update
    edits = [op for op in SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
             if op[0] != "equal"]
    changed = sum(max(i2 - i1, j2 - j1) for _tag, i1, i2, j1, j2 in edits)
    if changed > max_changed_share * max(len(new_keys), 1):
        return list(new_items)
    patch = Patch()
    # From the end backwards, so the indices of the edits still to come stay valid.
    for _tag, i1, i2, j1, j2 in reversed(edits):
        common = min(i2 - i1, j2 - j1)
        for k in range(common):
            patch[i1 + k] = new_items[j1 + k]
        for index in reversed(range(i1 + common, i2)):
            del patch[index]
        for k, item in enumerate(new_items[j1 + common:j2]):
            patch.insert(i1 + common + k, item)
    return patch
