"""Meeting series: the organising unit in Swedish and English (the Finnish one stays ``organiser_unit``).

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-04 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_unit_sv', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('organiser_unit_en', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_column('organiser_unit_en')
        batch_op.drop_column('organiser_unit_sv')
