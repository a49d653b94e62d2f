"""Admission rounds of a batch: control lines, input, run, windows, decisions, close and publication.
Owns runs, dispatches and cutoffs; must not change scores or the rules except through exam.rules.
"""
