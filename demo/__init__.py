"""Deterministic demo data warehouse for 吕梁市 (see docs/demo-data.md)."""
