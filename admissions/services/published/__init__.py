"""What anyone may read without logging in: listed exams, the plan catalogue, published cutoffs
with last year's beside, the 一分一段 table, the rules in words, the province's earlier exam.
Reads only; must not write anything, nor show a run, score or table before it is published.
"""
