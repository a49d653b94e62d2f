"""double entry (双录入) keying sheets: sheet, lines, keyed entries per pass, resolutions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 06:28:01.108277

"""
from alembic import op
import sqlalchemy as sa

import admissions.models.base


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('keying_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('component_codes', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('open', 'keyed', 'resolved', 'applied', 'cancelled', name='keying_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pass1_by_id', sa.Integer(), nullable=True),
    sa.Column('pass1_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pass2_by_id', sa.Integer(), nullable=True),
    sa.Column('pass2_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', admissions.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['applied_by_id'], ['account.id'], name=op.f('fk_keying_sheet_applied_by_id_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_keying_sheet_created_by_id_account')),
    sa.ForeignKeyConstraint(['exam_id'], ['exam.id'], name=op.f('fk_keying_sheet_exam_id_exam')),
    sa.ForeignKeyConstraint(['pass1_by_id'], ['account.id'], name=op.f('fk_keying_sheet_pass1_by_id_account')),
    sa.ForeignKeyConstraint(['pass2_by_id'], ['account.id'], name=op.f('fk_keying_sheet_pass2_by_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keying_sheet')),
    sa.UniqueConstraint('exam_id', 'name', name=op.f('uq_keying_sheet_exam_id_name'))
    )
    with op.batch_alter_table('keying_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keying_sheet_applied_by_id'), ['applied_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_sheet_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_sheet_exam_id'), ['exam_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_sheet_pass1_by_id'), ['pass1_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_sheet_pass2_by_id'), ['pass2_by_id'], unique=False)

    op.create_table('keyed_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('pass_no', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('component_code', sa.String(length=40), nullable=False),
    sa.Column('value', admissions.models.base.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('grade', sa.String(length=4), nullable=True),
    sa.Column('keyed_by_id', sa.Integer(), nullable=True),
    sa.Column('keyed_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_keyed_entry_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['keyed_by_id'], ['account.id'], name=op.f('fk_keyed_entry_keyed_by_id_account')),
    sa.ForeignKeyConstraint(['sheet_id'], ['keying_sheet.id'], name=op.f('fk_keyed_entry_sheet_id_keying_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keyed_entry')),
    sa.UniqueConstraint('sheet_id', 'pass_no', 'candidate_id', 'component_code', name=op.f('uq_keyed_entry_sheet_id_pass_no_candidate_id_component_code'))
    )
    with op.batch_alter_table('keyed_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keyed_entry_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keyed_entry_keyed_by_id'), ['keyed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keyed_entry_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('keying_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_keying_line_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['sheet_id'], ['keying_sheet.id'], name=op.f('fk_keying_line_sheet_id_keying_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keying_line')),
    sa.UniqueConstraint('sheet_id', 'candidate_id', name=op.f('uq_keying_line_sheet_id_candidate_id'))
    )
    with op.batch_alter_table('keying_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keying_line_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_line_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('keying_resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('component_code', sa.String(length=40), nullable=False),
    sa.Column('value', admissions.models.base.ExactDecimal(precision=12, scale=4), nullable=True),
    sa.Column('grade', sa.String(length=4), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', admissions.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_keying_resolution_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['account.id'], name=op.f('fk_keying_resolution_resolved_by_id_account')),
    sa.ForeignKeyConstraint(['sheet_id'], ['keying_sheet.id'], name=op.f('fk_keying_resolution_sheet_id_keying_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keying_resolution')),
    sa.UniqueConstraint('sheet_id', 'candidate_id', 'component_code', name=op.f('uq_keying_resolution_sheet_id_candidate_id_component_code'))
    )
    with op.batch_alter_table('keying_resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keying_resolution_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_resolution_resolved_by_id'), ['resolved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keying_resolution_sheet_id'), ['sheet_id'], unique=False)



def downgrade():
    with op.batch_alter_table('keying_resolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keying_resolution_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_keying_resolution_resolved_by_id'))
        batch_op.drop_index(batch_op.f('ix_keying_resolution_candidate_id'))

    op.drop_table('keying_resolution')
    with op.batch_alter_table('keying_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keying_line_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_keying_line_candidate_id'))

    op.drop_table('keying_line')
    with op.batch_alter_table('keyed_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keyed_entry_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_keyed_entry_keyed_by_id'))
        batch_op.drop_index(batch_op.f('ix_keyed_entry_candidate_id'))

    op.drop_table('keyed_entry')
    with op.batch_alter_table('keying_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keying_sheet_pass2_by_id'))
        batch_op.drop_index(batch_op.f('ix_keying_sheet_pass1_by_id'))
        batch_op.drop_index(batch_op.f('ix_keying_sheet_exam_id'))
        batch_op.drop_index(batch_op.f('ix_keying_sheet_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_keying_sheet_applied_by_id'))

    op.drop_table('keying_sheet')
