"""Site generation: Markdown pages, exports and assets for the site engine."""
