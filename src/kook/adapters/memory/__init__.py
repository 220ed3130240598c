"""Adapters that live in this process's memory: the embedded default's rate and route limiters, and the
per-process pool in front of the shared (Redis) route limiter."""
