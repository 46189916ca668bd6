"""The roof app keeps no tables of its own (its home pages read the other apps)."""
