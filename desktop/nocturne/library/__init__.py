"""Documents: loading, chunking, the SQLite store and full-text search."""
