"""Errors that services raise and that the API and portal translate."""


class StaleVersion(Exception):
    """A change was based on an older version of the record; nothing was written."""

    def __init__(self, *, current_version: int):
        super().__init__(f"This record was changed by someone else (now at version {current_version}).")
        self.current_version = current_version
