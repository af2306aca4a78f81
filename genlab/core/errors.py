"""The one kind of error genlab raises for a request a person can put right: the UI shows its message
as it is and an API client reads it. Any other exception is a bug, and its text never reaches a client."""


class RequestError(ValueError):
    """A request genlab refuses; the message is written for the person who made it."""
