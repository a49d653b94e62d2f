"""verification code stored on dispatches; accounts that must change their password

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-29 06:30:00.000000

Codes of dispatches admitted before this revision are filled by `flask letters backfill-codes`
(they need the app's SECRET_KEY, which a migration should not read); until then the public check
still finds them by scanning the few admitted rows that have no stored code.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=19), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_dispatch_verification_code'), ['verification_code'], unique=False
        )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_verification_code'))
        batch_op.drop_column('verification_code')
