"""Flask extensions, created unbound and attached in ``create_app`` (application factory)."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names so that migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SQLAlchemy(SQLAlchemy):
    """``paginate`` clamps the page number: ``?page=`` beyond 64 bits overflowed OFFSET (a 500)."""

    MAX_PAGE = 100_000

    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True):
        if page is not None:
            page = max(1, min(int(page), self.MAX_PAGE))
        if per_page is not None:
            per_page = max(1, min(int(per_page), max_per_page or 1000))
        return super().paginate(select, page=page, per_page=per_page, max_per_page=max_per_page,
                                error_out=error_out, count=count)


db = _SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Every limit is on POST (login, password reset, registration): skip resolving limits for
    the reads, which are most requests."""
    from flask import request

    return request.method in ("GET", "HEAD", "OPTIONS")
