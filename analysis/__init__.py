"""Co-authorship exposure analyser: screen a university's research collaborations."""

__version__ = "0.1.0"
