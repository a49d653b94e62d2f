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


PARTIAL_INDEXES = {
    "ix_preference_item_institution_id": "institution_id",
    "ix_preference_list_verification_code": "verification_code",
    "ix_dispatch_decided_by_id": "decided_by_id",
}


def test_indexes_of_columns_bulk_writes_leave_empty_hold_only_values(db):
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            found = connection.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            )
        else:
            found = connection.exec_driver_sql("SELECT name, sql FROM sqlite_master")
        definitions = {name: " ".join((sql or "").split()) for name, sql in found}
    for name, column in PARTIAL_INDEXES.items():
        plain = definitions[name].replace("(", " ").replace(")", " ").split()
        assert plain[-5:] == ["WHERE", column, "IS", "NOT", "NULL"], definitions[name]
    # the letters without a code are looked up by it (verification_code IS NULL): a full index
    assert "WHERE" not in definitions["ix_dispatch_verification_code"]


def test_the_models_declare_the_same_partial_indexes():
    indexes = {i.name: i for t in Base.metadata.tables.values() for i in t.indexes}
    for name, column in PARTIAL_INDEXES.items():
        for dialect in ("postgresql", "sqlite"):
            where = indexes[name].dialect_options[dialect]["where"]
            assert str(where) == f"{column} IS NOT NULL", (name, dialect)
