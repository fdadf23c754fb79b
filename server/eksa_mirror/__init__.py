"""eksa-mirror: editor and CI help for EKS Anywhere ``registryMirrorConfiguration``.

The package is one analysis core (``source`` → ``model`` → ``checks`` → ``findings``)
with several faces: the ``validate`` command line (``cli``), the language server
(``lsp``), and the registry tools (``explain``, ``check``).
"""

__version__ = "0.1.0"
