"""a university's review list reads one run's dispatches to one institution: index
(run_id, institution_id) in place of the index on run_id alone, which it also serves

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 17:20:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.create_index(
            'ix_dispatch_run_id_institution_id', ['run_id', 'institution_id'], unique=False
        )
        batch_op.drop_index('ix_dispatch_run_id')


def downgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_run_id', ['run_id'], unique=False)
        batch_op.drop_index('ix_dispatch_run_id_institution_id')
