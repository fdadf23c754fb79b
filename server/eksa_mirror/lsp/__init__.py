"""The language server face: thin pygls adapters over the analysis core."""
