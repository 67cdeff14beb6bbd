"""The exception of the cov Python client."""


class CovError(Exception):
    """A failed cov request: `code` is the gRPC status name, e.g. NOT_FOUND."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
