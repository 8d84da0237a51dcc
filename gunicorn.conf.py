"""Gunicorn's settings, read from the working directory by `make run` and the tests' servers.

Request line and header limits: the highest gunicorn allows, so that the app's own lower limits
(readiness/request_limits.py) answer oversized requests with a translated page, not gunicorn's.
"""

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16380
