"""Rules: what turns a Cluster model into findings, one module per rule family.

Each family declares its rules beside its checks (``registry.declare``); ``catalogue``
imports every family, ``analysis`` runs them over a document, ``context`` holds what they
share, ``config`` and ``suppress`` choose which findings a user sees. The modules and where
a new rule goes: docs/architecture.md.
"""
