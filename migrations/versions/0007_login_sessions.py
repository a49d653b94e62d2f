"""login sessions that end on the server; account session versions; voided registrations

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-05 09:00:00.000000

A student account whose registration the board voids is deactivated and detached from it, so the
role_scope check allows a student without a candidate once the account is inactive.
"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_SCOPE = (
    "(role != 'board' OR province_id IS NOT NULL)"
    " AND (role != 'university' OR institution_id IS NOT NULL)"
    " AND (role != 'student' OR candidate_id IS NOT NULL)"
)
NEW_SCOPE = (
    "(role != 'board' OR province_id IS NOT NULL)"
    " AND (role != 'university' OR institution_id IS NOT NULL)"
    " AND (role != 'student' OR candidate_id IS NOT NULL OR NOT active)"
)


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('idle_minutes', sa.Integer(), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['account_id'], ['account.id'], name=op.f('fk_login_session_account_id_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash')),
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_login_session_account_id'), ['account_id'], unique=False
        )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.drop_constraint(op.f('ck_account_role_scope'), type_='check')
        batch_op.create_check_constraint(op.f('ck_account_role_scope'), sa.text(NEW_SCOPE))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_account_role_scope'), type_='check')
        batch_op.create_check_constraint(op.f('ck_account_role_scope'), sa.text(OLD_SCOPE))
        batch_op.drop_column('session_version')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_account_id'))
    op.drop_table('login_session')
