"""Resident spaces: the name and street address in Swedish and English (the Finnish ones stay
``name`` and ``address``; empty = the Finnish one is shown).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_sv', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('address_sv', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('address_en', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('address_en')
        batch_op.drop_column('address_sv')
        batch_op.drop_column('name_en')
        batch_op.drop_column('name_sv')
