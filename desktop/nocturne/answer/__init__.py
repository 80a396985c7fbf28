"""Question time: retrieve, route (instant / learned / raw), answer with citations, account."""
