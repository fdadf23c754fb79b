"""Rules: what turns a Cluster model into findings.

The families are ``rules.checks``, one module each, declaring their rules beside their
checks (``registry.declare``). The rest is machinery: ``catalogue`` lists every stage's
checks, ``analysis`` runs them over a document, ``context`` holds what they share and makes
every finding, ``config`` and ``suppress`` choose which findings a user sees. Where a new
rule goes: docs/architecture.md.
"""
