"""a score's component is no longer indexed on its own: no page or import looks scores up by
component alone (they go by candidate, through the unique (candidate_id, component_id) index),
and the index cost every bulk write its upkeep: 500,000 new scores 1.42-1.60 s with it,
1.05-1.25 s without; the same scores changed 2.59 s and 2.01 s. Removing a component from the
rules counts its scores through the exam's candidates; deleting the component then has the
foreign key's check scan the table, once per component removed (a rules change, rare)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 10:20:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('component_score', schema=None) as batch_op:
        batch_op.drop_index('ix_component_score_component_id')


def downgrade():
    with op.batch_alter_table('component_score', schema=None) as batch_op:
        batch_op.create_index('ix_component_score_component_id', ['component_id'], unique=False)
