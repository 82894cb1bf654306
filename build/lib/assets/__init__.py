"""Dagster definitions for xxgk: thin wrappers around the `pipeline` library."""
