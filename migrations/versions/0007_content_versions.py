"""content_versions: one counter per kind of public content, bumped in the same transaction as
any change to it (app/core/versions.py); caches of pages and feeds check it with one row read.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-04 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_versions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_content_versions'))
    )


def downgrade():
    op.drop_table('content_versions')
