"""core.frames.records: the rows `DataFrame.to_dict("records")` gives, for every column kind the pages use."""
from __future__ import annotations

import math

import pandas as pd

from core.frames import records


def test_records_match_to_dict():
    frame = pd.DataFrame({"region_code": ["141100", "141102", None], "value": [1.5, math.nan, 3.0],
                          "rank": pd.Series([1, None, 2], dtype="Int64"), "headline": [True, False, True]})
    ours, theirs = records(frame), frame.to_dict("records")
    assert len(ours) == len(theirs) == 3
    for mine, expected in zip(ours, theirs):
        assert list(mine) == list(expected)
        for key, value in expected.items():
            assert (pd.isna(value) and pd.isna(mine[key])) or (mine[key] == value and type(mine[key]) is type(value))


def test_records_of_an_empty_frame():
    assert records(pd.DataFrame(columns=["a", "b"])) == []
