"""Editor features as pure functions over the core: where the cursor is (``cursor``),
what can be typed there (``completion``) and what a key means (``hover``).
"""
