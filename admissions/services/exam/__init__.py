"""An exam's definition: rules versions and their tables, structure, lifecycle and control lines.
Owns what the rules file says and the exam's status; must not compute scores or run rounds.
"""
