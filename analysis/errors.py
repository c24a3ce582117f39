"""The errors a user can cause, each turned by the CLI into a one-line message and exit 2."""

from __future__ import annotations


class InputError(ValueError):
    """A user's input cannot be used; the message names the file and line, or the option."""
