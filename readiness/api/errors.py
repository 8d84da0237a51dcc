"""The API's errors: JSON with a stable code, a message, and the field at fault if any."""

from flask import jsonify, make_response


class InvalidInput(Exception):
    """Bad input, naming the field (a body field: 422; a query parameter: 400)."""

    def __init__(self, field: str, message: str, status: int = 422, code: str = "invalid_field"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status
        self.code = code


def api_error(status: int, code: str, message: str, field: str | None = None):
    error = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return make_response(jsonify(error=error), status)
