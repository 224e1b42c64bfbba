"""The graph's vocabulary (kg.ttl), SHACL shapes (shapes.ttl) and named SPARQL queries."""
