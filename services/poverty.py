"""Poverty-relapse monitoring over the warehouse: a region's households by status, its children's
counts, risk types, the income distribution, and the list of households followed up.

Everything a page, an export or the API shows comes from here, masked by one rule
(core/masking.py) unless the caller says the user may see personal data.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.config_poverty import PovertySettings
from core.masking import masked
from core.poverty import FOLLOWED_STATUSES, MONITOR_STATUSES, child_prefix_length, histogram_edges, share_pct
from core.regions import code_prefix
from core.values import is_missing, number_or_none
from datasources.economy import family_children, region_family
from datasources.households import (
    household_quality,
    household_rows,
    household_total,
    income_histogram,
    risk_type_counts,
    status_counts,
)
from datasources.warehouse import Warehouse

SUMMARY_COLUMNS = ("region_code", "region_name", *MONITOR_STATUSES, "total")


@dataclass(frozen=True)
class Overview:
    """One region's monitoring figures (all counts are households)."""

    region: Mapping[str, Any]          # region_code, name, name_en, level, parent_code
    family: pd.DataFrame               # region_family: self, ancestors, children
    totals: Mapping[str, int]          # every status and "total"
    children: pd.DataFrame             # region_code, name, name_en, level, the statuses, total, at_risk_share_pct
    unplaced: int                      # counted below the region but in none of its children
    risk_types: pd.DataFrame           # risk_type, at_risk, monitored, total; most frequent first
    histogram: pd.DataFrame            # bin, low, high, the statuses, total
    quality: Mapping[str, int] = field(default_factory=dict)  # bad rows by problem (left out or flagged)

    @property
    def at_risk_share_pct(self) -> float | None:
        """At-risk households as a share of all counted households."""
        return share_pct(self.totals["at_risk"], self.totals["total"])


def _by_status(counts: pd.DataFrame) -> pd.DataFrame:
    """`child × status` counts as one row per child with a column per status and `total`."""
    wide = (counts.pivot_table(index="child", columns="monitor_status", values="households", aggfunc="sum",
                               fill_value=0) if not counts.empty else pd.DataFrame(index=pd.Index([], dtype=object)))
    wide = wide.reindex(columns=list(MONITOR_STATUSES), fill_value=0).fillna(0).astype(int)
    wide["total"] = wide.sum(axis=1)
    return wide


def region_overview(wh: Warehouse, region_code: str, settings: PovertySettings) -> Overview | None:
    """The figures of a known region (None when the warehouse does not know the code)."""
    family = region_family(wh, region_code)
    me = family[family["relation"] == "self"]
    if me.empty:
        return None
    own = _by_status(status_counts(wh, region_code, len(code_prefix(region_code))))
    totals = {c: int(own[c].sum()) for c in (*MONITOR_STATUSES, "total")}
    kids = family_children(family)[["region_code", "name", "name_en", "level"]]
    lengths = sorted({child_prefix_length(str(c)) for c in kids["region_code"]})
    counted = (pd.concat([_by_status(status_counts(wh, region_code, n)) for n in lengths]) if lengths
               else _by_status(pd.DataFrame()))
    children = (kids.assign(prefix=kids["region_code"].astype(str).map(code_prefix))
                .merge(counted, left_on="prefix", right_index=True, how="left").drop(columns="prefix"))
    for column in (*MONITOR_STATUSES, "total"):
        children[column] = children[column].fillna(0).astype(int)
    children["at_risk_share_pct"] = [share_pct(a, n) for a, n in zip(children["at_risk"], children["total"])]
    unplaced = totals["total"] - int(children["total"].sum()) if not kids.empty else 0
    return Overview(region=me.iloc[0].to_dict(), family=family, totals=totals,
                    children=children.reset_index(drop=True), unplaced=unplaced,
                    risk_types=_risk_types(wh, region_code), histogram=_histogram(wh, region_code, settings),
                    quality=household_quality(wh, region_code).iloc[0].to_dict())


def _risk_types(wh: Warehouse, region_code: str) -> pd.DataFrame:
    counts = risk_type_counts(wh, region_code, FOLLOWED_STATUSES)
    counts = counts.assign(risk_type=counts["risk_type"].where(counts["risk_type"].notna(), None))
    wide = (counts.pivot_table(index=counts["risk_type"].fillna(""), columns="monitor_status", values="households",
                               aggfunc="sum", fill_value=0) if not counts.empty else pd.DataFrame())
    wide = wide.reindex(columns=list(FOLLOWED_STATUSES), fill_value=0).fillna(0).astype(int)
    wide["total"] = wide.sum(axis=1)
    wide.index.name = "risk_type"
    return wide.reset_index().sort_values(["total", "risk_type"], ascending=[False, True]).reset_index(drop=True)


def _histogram(wh: Warehouse, region_code: str, settings: PovertySettings) -> pd.DataFrame:
    edges = histogram_edges(settings.histogram_bin_yuan, settings.histogram_max_yuan)
    counts = income_histogram(wh, region_code, tuple(edges))
    wide = (counts.pivot_table(index="bin", columns="monitor_status", values="households", aggfunc="sum",
                               fill_value=0) if not counts.empty else pd.DataFrame())
    wide = wide.reindex(index=range(len(edges)), columns=list(MONITOR_STATUSES), fill_value=0).fillna(0).astype(int)
    wide["total"] = wide.sum(axis=1)
    wide.index.name = "bin"
    frame = wide.reset_index()
    frame.insert(1, "low", edges)
    frame.insert(2, "high", [*edges[1:], None])
    return frame


def summary_rows(overview: Overview) -> list[dict[str, Any]]:
    """The API's rows: each child's region_code, region_name, the four statuses and total."""
    return [{"region_code": str(r["region_code"]), "region_name": str(r["name"]),
             **{s: int(r[s]) for s in (*MONITOR_STATUSES, "total")}}
            for r in overview.children.to_dict("records")]


def _clean_income(value: object) -> float | None:
    """Income per person, or None when missing or negative (a bad row: counted, never shown as a number)."""
    number = number_or_none(value)
    return None if number is None or number < 0 else number


def household_list(wh: Warehouse, region_code: str, statuses: tuple[str, ...], limit: int, offset: int,
                   personal_data: bool) -> tuple[list[dict[str, Any]], int]:
    """(rows, total): one page of the households of `statuses` below a region, masked unless
    `personal_data`. Rows: household_code, region_code, region_name, region_name_en, head_name,
    id_number, members, income_per_capita (None when missing or negative), monitor_status,
    risk_type, measures, updated_at."""
    frame = household_rows(wh, region_code, statuses, limit, offset)
    total = int(household_total(wh, region_code, statuses)["households"].iloc[0])
    rows = []
    for row in frame.to_dict("records"):
        row = {k: (None if is_missing(v) else v) for k, v in row.items()}
        row["income_per_capita"] = _clean_income(row["income_per_capita"])
        row["members"] = None if row["members"] is None else int(row["members"])
        row["updated_at"] = None if row["updated_at"] is None else str(row["updated_at"])
        rows.append(masked(row, personal_data))
    return rows, total
