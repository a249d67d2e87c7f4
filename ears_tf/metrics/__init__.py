"""Metrics: the Frechet distance on a small network's features (more in issue 5)."""
