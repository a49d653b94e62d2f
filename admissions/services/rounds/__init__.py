"""Allocation rounds of a batch: input, run, windows, decisions, close and publication.
Owns runs, dispatches and cutoffs; must not change scores or the rules.
"""
