"""space exceptions, booking requests, booking headcount and purpose

Reviewed by hand: ``bookings.sequence`` gets a server default so that existing rows are valid;
the exclusion constraint of 0002 is untouched (columns are only added to ``bookings``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:04:05.413576

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('space_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_space_exceptions_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_space_exceptions')),
    sa.UniqueConstraint('space_id', 'day', name='uq_space_exceptions_space_day')
    )
    op.create_table('booking_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined', 'withdrawn')", name=op.f('ck_booking_requests_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_booking_requests_ends_after_start')),
    sa.CheckConstraint('headcount > 0', name=op.f('ck_booking_requests_headcount_positive')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_requests_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_booking_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_booking_requests_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_booking_requests_requester_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_booking_requests_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_requests'))
    )
    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_requests_space_id'), ['space_id'], unique=False)
        batch_op.create_index('ix_booking_requests_status_created', ['status', 'created_at'], unique=False)

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('sequence')
        batch_op.drop_column('purpose')
        batch_op.drop_column('headcount')

    with op.batch_alter_table('booking_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_booking_requests_status_created')
        batch_op.drop_index(batch_op.f('ix_booking_requests_space_id'))
        batch_op.drop_index(batch_op.f('ix_booking_requests_requester_id'))

    op.drop_table('booking_requests')
    op.drop_table('space_exceptions')
