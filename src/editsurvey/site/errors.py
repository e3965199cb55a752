"""The error every part of the site build raises when it must stop."""


class BuildError(Exception):
    """A problem that stops the build; its message says what to do."""
