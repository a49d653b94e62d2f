"""Importing exchange files (plans, candidates, scores, credits, preferences): read, check, write.
Owns the all-or-nothing import of one file; must not compute scores, run rounds or commit.
"""
