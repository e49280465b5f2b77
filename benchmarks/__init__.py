"""Benchmarks: eduqa beside the tutorial pipeline, embedding throughput, scale."""
