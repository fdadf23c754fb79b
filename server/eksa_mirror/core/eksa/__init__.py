"""EKS Anywhere facts: its releases and what each supports (``releases``), and the ECR
registries its images and curated packages come from (``registries``).
"""
