"""Querying the built graph: named (saved) SPARQL queries and their parameters."""
