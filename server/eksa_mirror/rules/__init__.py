"""Rules: what turns a Cluster model into findings, one module per rule family.

Each family declares its rules (code, name, severity, since, summary) beside its checks
with ``registry.declare``; ``catalogue`` imports every family and collects them;
``analysis`` runs every family over a document; ``structure`` runs the published JSON
Schema over the mirror section and names each failure with its rule (``host_shape``
says what is wrong with a host); ``values``,
``certificates``, ``providers``, ``versions``, ``node_format``, ``placeholders`` and
``upgrade`` are the semantic families; ``context`` holds what they share (options, spans,
pointers, fix builders); ``config`` and ``suppress`` choose which findings a user sees.
"""
