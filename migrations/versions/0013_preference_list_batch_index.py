"""drop preference_list's index on batch_id alone: the index on (batch_id, round_number) begins
with the same column and serves every lookup by batch (and the foreign key's checks)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 17:10:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('preference_list', schema=None) as batch_op:
        batch_op.drop_index('ix_preference_list_batch_id')


def downgrade():
    with op.batch_alter_table('preference_list', schema=None) as batch_op:
        batch_op.create_index('ix_preference_list_batch_id', ['batch_id'], unique=False)
