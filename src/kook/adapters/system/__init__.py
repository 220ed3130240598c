"""Adapters to the process and its machine: the system clock, the stop request, the request's origin, readiness."""
