"""Both themes' text colours against their backgrounds: WCAG AA, at least 4.5:1.

The colours are read from the stylesheets (cockpit.css, then theme.css, which overrides), so a
palette change that makes text unreadable fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parent.parent / "assets"
AA = 4.5
TEXT_VARS = ("text", "muted", "accent", "link", "good", "bad", "chart-text", "red", "orange", "yellow", "blue",
             "field-text")
BACKGROUNDS = ("bg", "bg2", "panel", "field-bg")
# White text on these badge backgrounds; the yellow badge takes near-black text.
BADGES = {"badge-red": "#ffffff", "badge-orange": "#ffffff", "badge-blue": "#ffffff", "badge-other": "#ffffff",
          "badge-yellow": "#1d1d1d"}


def variables(selector: str) -> dict[str, str]:
    """The custom properties a rule for `selector` sets, cockpit.css first, theme.css overriding."""
    found: dict[str, str] = {}
    for name in ("cockpit.css", "theme.css"):
        css = (ASSETS / name).read_text(encoding="utf-8")
        for block in re.findall(re.escape(selector) + r"\s*\{([^}]*)\}", css):
            found.update(dict(re.findall(r"--([\w-]+)\s*:\s*([^;]+);", block)))
    return found


def rgba(value: str) -> tuple[float, float, float, float]:
    value = value.strip()
    if value.startswith("#"):
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16), 1.0
    parts = [float(p) for p in re.findall(r"[\d.]+", value)]
    return parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0


def over(top: str, base: str) -> tuple[float, float, float]:
    r, g, b, a = rgba(top)
    br, bg, bb, _ = rgba(base)
    return r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ratios(theme: str) -> dict[tuple[str, str], float]:
    palette = {**variables(":root"), **variables("#app-root"), **variables(f".theme-{theme}")}
    out = {}
    for bg_name in BACKGROUNDS:
        # A translucent panel sits on the page's darker background.
        ground = over(palette[bg_name], palette["bg2"]) if bg_name != "bg2" else over(palette["bg2"], "#ffffff")
        for text in TEXT_VARS:
            out[(text, bg_name)] = ratio(over(palette[text], "#000000"), ground)
    for badge, text in BADGES.items():
        out[(text, badge)] = ratio(rgba(text)[:3], rgba(palette[badge])[:3])
    return out


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_text_meets_wcag_aa_in_both_themes(theme: str) -> None:
    low = {pair: round(value, 2) for pair, value in ratios(theme).items() if value < AA}
    assert low == {}


if __name__ == "__main__":  # print the table: python3 -m tests.test_theme_contrast
    for name in ("dark", "light"):
        print(name, ", ".join(f"{t}/{b} {v:.1f}" for (t, b), v in sorted(ratios(name).items())))
