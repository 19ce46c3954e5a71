"""Errors that services raise and that the API and portal translate."""


class StaleVersion(Exception):
    """A change was based on an older version of the record; nothing was written."""

    def __init__(self, *, current_version: int):
        super().__init__(
            f"This record has changed since the version you sent (it is now at version {current_version}); "
            "nothing was written."
        )
        self.current_version = current_version
