"""Nocturne: personal document Q&A that does its thinking while you sleep."""

__version__ = "0.1.0"
