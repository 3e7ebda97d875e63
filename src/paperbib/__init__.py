"""paperbib: turn awesome-style markdown paper lists into citations."""

__version__ = "0.1.0"
