"""Pure core of the admissions platform: rules, exact composite scores, ranks and allocation.

Nothing here imports Flask, SQLAlchemy or the ``admissions`` package; every function takes plain
values (frozen dataclasses, arrays) and returns plain values.
"""
