"""Names vulture cannot see used (``.ci/run``): pygls calls the handlers it registers and
the methods ``lsp/`` overrides; ``probe.__getattr__`` is the module's lazy loader;
``makefile`` is the socket interface ``http.client`` calls; the benchmarks read ``misses``.
"""

# ruff: noqa
_ = object()
_.misses
_._apply_incremental_change
_._source
_._create_text_document
_.__class__
_._handle_cancel_notification
_.makefile
initialize
initialized
did_change_configuration
did_open
did_change
did_save
did_change_watched_files
did_close
on_hover
code_action
__getattr__
did_change_trust
