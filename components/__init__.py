"""Reusable view pieces as pure functions: data in, Dash component or figure out."""
