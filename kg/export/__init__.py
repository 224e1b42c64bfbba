"""Exports of a built graph for people: the interactive HTML map (`kg export html`)."""
