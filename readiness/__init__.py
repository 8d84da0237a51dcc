"""The telehealth readiness check: create_app builds the whole application."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    cli,
    errors,
    formatting,
    locale,
    request_deadlines,
    request_limits,
    request_log,
    security,
    sqlite_settings,
    templating,
)
from .config import DefaultConfig, finish_config
from .data_keys import Keyring
from .encrypted import KEYRING, check_data_keys
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .json_input import StrictJSONProvider

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app: defaults, then READINESS_* variables, then the given mapping (tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # Request bodies: no NaN, no infinities, no deep nesting (a 400, never a 500).
    app.json = StrictJSONProvider(app)
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("READINESS")
    if config:
        app.config.update(config)
    finish_config(app.config, app.instance_path)
    app.extensions[KEYRING] = Keyring.from_setting(app.config["DATA_KEYS"])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        # The client's own address and scheme, for rate limits, Secure cookies and HSTS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    request_deadlines.init_app(app)  # outermost: it counts connections' own addresses

    db.init_app(app)
    sqlite_settings.init_app(app, db)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locale.select_locale, timezone_selector=locale.timezone)
    login_manager.init_app(app)
    # Flask-Limiter keeps the storage options and default limits of an earlier init_app (the
    # tests build many apps in one process): each app starts from its own settings, and the
    # storage it replaces closes its database connections (a long run of apps otherwise keeps
    # one SQLite connection open per app, until SQLite answers "disk I/O error").
    previous = getattr(limiter, "_storage", None)
    if hasattr(previous, "dispose"):
        previous.dispose()
    limiter._storage_options = {}
    limiter.limit_manager.set_default_limits([])
    limiter.init_app(app)

    from . import models  # noqa: F401  (tables known to Alembic and the app)
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .clinic import bp as clinic_bp
    from .desk import bp as desk_bp
    from .notify.views import bp as notify_bp
    from .ops.views import bp as ops_bp
    from .ops.views import init_app as init_ops
    from .patient import bp as patient_bp
    from .probe import bp as probe_bp

    app.register_blueprint(patient_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(probe_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(clinic_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(notify_bp)

    app.jinja_env.add_extension("jinja2.ext.do")
    init_ops(app)
    request_log.init_app(app)
    request_limits.init_app(app)
    formatting.init_app(app)
    templating.init_app(app)
    locale.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    check_data_keys(app)
    return app
