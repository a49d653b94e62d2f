"""Helpers of the API tests: a live token for a scenario's institution."""

from admissions.services.universities.tokens import create_token


def token_for(db, scene, days: int = 30) -> str:
    """A committed token of the scenario's own institution, made by its admin user (a token
    acts with its creator's rights); returns the plain value."""
    scene["staff"].is_institution_admin = True
    _, plain = create_token(scene["staff"], scene["line"].institution_id, "学籍系统", days)
    db.session.commit()
    return plain
