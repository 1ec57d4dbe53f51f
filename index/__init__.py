"""Indexing council papers: discover -> parse -> chunk -> store. Knows nothing about questions."""
