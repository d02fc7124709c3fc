"""Test and demo data: the seed fixture builder and the large-program generator."""
