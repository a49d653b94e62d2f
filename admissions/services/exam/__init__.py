"""An exam's definition: rules versions and their tables, structure, lifecycle, and the state it reads.
Owns what the rules file says and the exam's status; must not import scores, keying, students or rounds.
"""
