"""The rule families: one module per family, each declaring its rules beside its checks."""
