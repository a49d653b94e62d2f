"""background jobs with their progress

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-29 06:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

STATUSES = ('queued', 'running', 'succeeded', 'failed')


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum(*STATUSES, name='job_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('rq_job_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_job_created_by_id_account')),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], name=op.f('fk_job_exam_id_exam')),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_job_institution_id_institution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_institution_id'), ['institution_id'], unique=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_institution_id'))
        batch_op.drop_index(batch_op.f('ix_job_exam_id'))
        batch_op.drop_index(batch_op.f('ix_job_created_by_id'))

    op.drop_table('job')
