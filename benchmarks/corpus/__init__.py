"""Generated and real documents for tests and benchmarks (not shipped in the wheel)."""
