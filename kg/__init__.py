"""kg: a knowledge-graph builder for Vietnamese policy documents."""

__version__ = "0.1.0"
