"""The masking rule of personal data (core/masking.py): names keep their first character, ID
numbers their first and last four; nothing else is shown without the personal-data permission."""
from __future__ import annotations

import pytest

from core.masking import mask_id_number, mask_name, masked


@pytest.mark.parametrize(("name", "expected"), [
    ("张三", "张*"), ("李小四", "李**"), ("欧阳娜娜", "欧***"), ("王", "*"), ("  赵六 ", "赵*"),
    ("Smith", "S****"), (None, None), ("", None), ("   ", None), (float("nan"), None),
])
def test_a_name_keeps_its_first_character(name: object, expected: str | None) -> None:
    assert mask_name(name) == expected


@pytest.mark.parametrize(("number", "expected"), [
    ("610902199001011234", "6109**********1234"), ("14110219900101123X", "1411**********123X"),
    ("141102900101123", "1411*******1123"),  # the old 15-digit numbers
    ("123456789", "1234*6789"), ("12345678", "********"), ("1234", "****"),
    (None, None), ("", None), (141102199001011234, "1411**********1234"),
])
def test_an_id_number_keeps_four_characters_at_each_end(number: object, expected: str | None) -> None:
    assert mask_id_number(number) == expected


def test_a_masked_row_never_holds_the_full_name_or_number() -> None:
    row = {"household_code": "1411021002000001", "head_name": "张三", "id_number": "141102199001011234",
           "members": 3}
    shown = masked(row, personal_data=False)
    assert shown == {"household_code": "1411021002000001", "head_name": "张*", "id_number": "1411**********1234",
                     "members": 3}
    assert row["head_name"] == "张三"  # the caller's row is left alone
    assert masked(row, personal_data=True) == row
    assert masked({"household_code": "x"}, personal_data=False) == {"household_code": "x"}
