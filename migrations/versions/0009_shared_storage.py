"""shared storage: files that outlive a request, in chunks in the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:40:00.000000

Uploads awaiting confirmation or a job and the files jobs make live here rather than in a
machine's instance folder, so every web process and worker reads the same bytes.
"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_file',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('created_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file'))
    )
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_file_created_at'), ['created_at'], unique=False)

    op.create_table('stored_file_chunk',
    sa.Column('file_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_stored_file_chunk_file_id_stored_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'seq', name=op.f('pk_stored_file_chunk'))
    )


def downgrade():
    op.drop_table('stored_file_chunk')
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_file_created_at'))

    op.drop_table('stored_file')
