"""drop indexes that a unique index beginning with the same column already serves
(candidate.exam_id, component_score.candidate_id, preference_list.candidate_id,
preference_item.list_id, preference_major.item_id): each costs every bulk import its upkeep

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:40:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

INDEXES = [
    ('candidate', 'exam_id'),
    ('component_score', 'candidate_id'),
    ('preference_list', 'candidate_id'),
    ('preference_item', 'list_id'),
    ('preference_major', 'item_id'),
]


def upgrade():
    for table, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{column}')


def downgrade():
    for table, column in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f'ix_{table}_{column}', [column], unique=False)
