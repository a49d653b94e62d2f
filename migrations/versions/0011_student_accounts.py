"""activation codes of candidates imported by the board; 冲稳保 margins of an exam;
verification codes of submitted preference lists

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('preference_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=19), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_preference_list_verification_code'), ['verification_code'], unique=False
        )
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advice_margins', sa.JSON(), nullable=True))
    op.create_table(
        'activation_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('used_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['candidate_id'], ['candidate.id'],
            name=op.f('fk_activation_code_candidate_id_candidate'),
        ),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['account.id'], name=op.f('fk_activation_code_created_by_id_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_code')),
    )
    with op.batch_alter_table('activation_code', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_activation_code_candidate_id'), ['candidate_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_activation_code_created_by_id'), ['created_by_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('activation_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_code_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_activation_code_candidate_id'))
    op.drop_table('activation_code')
    with op.batch_alter_table('exam', schema=None) as batch_op:
        batch_op.drop_column('advice_margins')
    with op.batch_alter_table('preference_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preference_list_verification_code'))
        batch_op.drop_column('verification_code')
