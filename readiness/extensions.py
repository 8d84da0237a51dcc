"""Extensions, created here and bound to the app in create_app."""

import logging
import sys

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from . import limit_storage  # noqa: F401  (registers the database:// rate limit storage)
from .client_network import limit_key
from .csrf import SameOriginCSRF

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = SameOriginCSRF()
babel = Babel()
login_manager = LoginManager()


def client_key() -> str:
    """Who a per-client limit counts: the client's address, or its IPv6 /64."""
    return limit_key(request.remote_addr)


limiter = Limiter(key_func=client_key)


def log_limiter_warnings() -> None:
    """Flask-Limiter says when its storage fails and it counts in memory instead (Redis down):
    on stderr beside our own logs. Warnings only: its info lines name client addresses."""
    logger = logging.getLogger("flask-limiter")
    if not any(getattr(handler, "readiness", False) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        handler.readiness = True
        logger.addHandler(handler)


log_limiter_warnings()
