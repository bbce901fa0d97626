"""Place names in Hanyu Pinyin, as the official romanisation writes them (GB/T 16159, GB 17693).

Used for English screens when a region has no `name_en`: 离石区 → "Lishi", 孝义市 → "Xiaoyi",
绿水县 → "Lüshui". The administrative tail (市 县 区 自治县 地区 街道 镇 乡) is left out, as
English names the place alone, except where the name would be one syllable without it: such
a name keeps its tail in one word (兴县 → "Xingxian", 岚县 → "Lanxian"), as the standard does.
Syllables are written together, the first letter capitalised, with an apostrophe before a
syllable starting with a, o or e (西安 → "Xi'an"). Tones are not written.
"""
from __future__ import annotations

# Longest first, so 自治县 is taken before 县.
TAILS = ("自治县", "自治州", "地区", "街道", "市", "县", "区", "旗", "镇", "乡")


def has_han(text: str) -> bool:
    """Whether `text` holds a CJK ideograph (a name worth romanising)."""
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def _syllables(text: str) -> list[str]:
    # Imported here: pypinyin's dictionaries take about a second and tens of MB to load, and only
    # English screens of a warehouse without English names need them.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="default")


def _join(syllables: list[str]) -> str:
    word = ""
    for i, syllable in enumerate(syllables):
        if i and syllable[:1] in ("a", "o", "e") and word[-1:].isalpha():
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def romanize_place(name: str) -> str:
    """The place name in Pinyin without its administrative tail; a name without Han characters as it is."""
    text = name.strip()
    if not has_han(text):
        return text
    stem = text
    for tail in TAILS:
        if text.endswith(tail) and len(text) > len(tail):
            stem = text[: -len(tail)]
            break
    if len(stem) == 1 and stem != text:  # 兴县: one syllable alone would not name the place
        stem = text
    return _join(_syllables(stem))
