"""The cooperation report: figures, charts, exports (page and API)."""
