"""Pages of exam-board staff (考试院): one blueprint, its routes in the modules of this package."""

from flask import Blueprint

bp = Blueprint("board", __name__)
BOARD = ("board", "admin")
