"""Shared storage of files that outlive a request: put in chunks, size-limited, read back as a
stream of chunks, deleted, purged by age. It must not know what a file means (callers do).
"""
