"""The errors a user can cause, each turned by the CLI into a one-line message and exit 2."""

from __future__ import annotations


class InputError(ValueError):
    """A user's input cannot be used; the message names the file and line, or the option."""


class NotebookError(RuntimeError):
    """A notebook failed; the message names the cell and where the executed copy is."""


class OpenAlexError(RuntimeError):
    """OpenAlex could not answer; the message says what to do and never contains the key."""


class PdfError(RuntimeError):
    """PDFs cannot be made here; the message says what to install."""
