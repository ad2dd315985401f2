"""Integrationsgraph: a knowledge graph of municipal integration work."""

__version__ = "0.1.0"
