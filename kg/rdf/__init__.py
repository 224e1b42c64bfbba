"""Mapping resolved entities to RDF quads, and writing them out deterministically."""
