"""one saved allocation run per batch and round; job heartbeats

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'uq_allocation_run_saved', 'allocation_run', ['batch_id', 'round_number'], unique=True,
        sqlite_where=sa.text('NOT dry_run'), postgresql_where=sa.text('NOT dry_run'),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('heartbeat_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
    op.drop_index('uq_allocation_run_saved', table_name='allocation_run')
