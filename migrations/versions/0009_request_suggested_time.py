"""A declined booking request may carry another time suggested by staff (issue 17).

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-04 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggested_starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suggested_ends_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.drop_column('suggested_ends_at')
        batch_op.drop_column('suggested_starts_at')
