"""Metrics: the Frechet distance on a small network's features; PSNR."""
