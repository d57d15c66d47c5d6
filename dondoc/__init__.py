"""dondoc: approved Vietnamese administrative plans turned into tracked, dated work."""

__version__ = "0.1.0"
