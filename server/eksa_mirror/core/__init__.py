"""The core: positions, findings and fixes, YAML documents (``source``), the Cluster model,
the mirror settings, EKS Anywhere facts (``eksa``), certificate facts (``pki``) and the
published schema. It imports no other layer (docs/architecture.md).
"""
