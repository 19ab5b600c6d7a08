"""Shared building blocks used by every feature package."""
