"""users.session_version: part of the session id, bumped to end every session of a user
(logout, password change or reset, deactivation, erasure).

Existing rows start at 1; sessions issued before this revision carry no version and end once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
