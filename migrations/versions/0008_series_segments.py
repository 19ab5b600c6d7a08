"""Series segments: a series whose time or rule changed from a date onward keeps its earlier dates
under the earlier definition (one iCalendar identity per segment). Reviewed by hand.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segment_from', sa.DateTime(timezone=True), nullable=True))
    op.create_table('meeting_series_segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=140), nullable=False),
    sa.Column('start_local', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=True),
    sa.Column('skip_holidays', sa.Boolean(), nullable=False),
    sa.Column('starts_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_meeting_series_segments_duration_positive')),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_series_segments_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series_segments')),
    sa.UniqueConstraint('uid', name=op.f('uq_meeting_series_segments_uid'))
    )
    op.create_index('ix_meeting_series_segments_series', 'meeting_series_segments', ['series_id', 'ends_before'], unique=False)


def downgrade():
    op.drop_index('ix_meeting_series_segments_series', table_name='meeting_series_segments')
    op.drop_table('meeting_series_segments')
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_column('segment_from')
