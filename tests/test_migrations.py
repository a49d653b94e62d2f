"""The migration chain: one head, and the upgraded schema equals the models."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from admissions.models import Base


def _script_directory(app) -> ScriptDirectory:
    migrate: Migrate = app.extensions["migrate"].migrate
    return ScriptDirectory.from_config(migrate.get_config())


def test_migration_chain_has_a_single_head(app, db):
    heads = _script_directory(app).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def test_database_is_at_head(app, db):
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(_script_directory(app).get_heads())


def test_upgraded_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_constraint_names_follow_the_convention(db):
    table = Base.metadata.tables["candidate"]
    names = {c.name for c in table.constraints}
    assert "pk_candidate" in names
    assert "uq_candidate_exam_id_candidate_no" in names
    assert "fk_candidate_exam_id_exam" in names
