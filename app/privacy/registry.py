"""The personal-data registry lives in app/core/personal_data.py (features register their sources
from their own ``privacy.py``); re-exported here for the privacy machinery and older imports."""
from __future__ import annotations

from app.core.personal_data import (SOURCES, Eraser, Exporter, PersonalDataSource, Subject, iso, register_source,
                                    sources)

__all__ = ["SOURCES", "Eraser", "Exporter", "PersonalDataSource", "Subject", "iso", "register_source", "sources"]
