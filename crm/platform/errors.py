"""Errors that services raise and that the API and portal translate."""


class StaleVersion(Exception):
    """A change was based on an older version of the record; nothing was written."""

    def __init__(self, *, current_version: int):
        super().__init__(
            f"This record has changed since the version you sent (it is now at version {current_version}); "
            "nothing was written."
        )
        self.current_version = current_version


class ConcurrentChange(Exception):
    """A write lost a race with another one on a unique row (the same share made twice at once); nothing was written."""

    def __init__(self, message: str = "This change conflicts with another one made at the same time; try again."):
        super().__init__(message)


class SharedRecordsOwned(Exception):
    """Removing a share would leave users who lose the customer owning records on it; nothing was written.

    `records` are crm.customers.holdings.HeldRecord; the caller confirms, or names who takes them.
    """

    def __init__(self, records):
        super().__init__("The users this share lets in own records on this customer; reassign them or confirm.")
        self.records = records
