"""Checks: the rules that turn a Cluster model into findings.

``structure`` runs the published JSON Schema over the mirror section and names each
failure with its rule; ``values``, ``certificates`` and ``providers`` are the semantic
rules; ``context`` holds what they share (options, spans, pointers, fix builders).
"""
