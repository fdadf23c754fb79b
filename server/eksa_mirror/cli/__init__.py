"""The ``eksa-mirror`` command line: the entry point (``main``), one module per
sub-command and the output formats of ``validate`` (``formatters``).
"""
