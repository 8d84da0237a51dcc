from ..forms import Form


class RetryForm(Form):
    """Only the CSRF token: the message is in the URL."""
