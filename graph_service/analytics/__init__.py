"""ABM analytics: pure functions over domain records, shared by both stores."""
