"""Meeting themes, series, occurrences and registrations (reviewed by hand: the partial unique
index on live registrations is what refuses a second registration by one email).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:58:44.889134

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meeting_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('name_fi', sa.String(length=200), nullable=False),
    sa.Column('name_sv', sa.String(length=200), nullable=True),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_themes')),
    sa.UniqueConstraint('key', name=op.f('uq_meeting_themes_key'))
    )
    op.create_table('meeting_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('title_fi', sa.String(length=200), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=True),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description_fi', sa.Text(), nullable=True),
    sa.Column('description_sv', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('audience_fi', sa.String(length=300), nullable=True),
    sa.Column('audience_sv', sa.String(length=300), nullable=True),
    sa.Column('audience_en', sa.String(length=300), nullable=True),
    sa.Column('organiser_unit', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('start_local', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=True),
    sa.Column('skip_holidays', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('waitlist', sa.Boolean(), nullable=False),
    sa.Column('max_seats_per_registration', sa.Integer(), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_minutes_before', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('district', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('materialised_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name=op.f('ck_meeting_series_status')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_meeting_series_capacity_positive')),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_meeting_series_duration_positive')),
    sa.CheckConstraint('max_seats_per_registration > 0', name=op.f('ck_meeting_series_max_seats_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_series_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_meeting_series_space_id_spaces'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series')),
    sa.UniqueConstraint('uid', name=op.f('uq_meeting_series_uid'))
    )
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_series_space_id'), ['space_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_series_status'), ['status'], unique=False)

    op.create_table('meeting_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('recurrence_id', sa.DateTime(timezone=True), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('moved', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_meeting_occurrences_status')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_meeting_occurrences_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_occurrences_ends_after_start')),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name=op.f('ck_meeting_occurrences_seats_within_capacity')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_meeting_occurrences_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meeting_occurrences_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_occurrences')),
    sa.UniqueConstraint('series_id', 'recurrence_id', name='uq_occurrence_recurrence')
    )
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_occurrences_series_id'), ['series_id'], unique=False)
        batch_op.create_index('ix_meeting_occurrences_starts_at', ['starts_at'], unique=False)

    op.create_table('series_themes',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_series_themes_series_id_meeting_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['meeting_themes.id'], name=op.f('fk_series_themes_theme_id_meeting_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', 'theme_id', name=op.f('pk_series_themes'))
    )
    op.create_table('meeting_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('show_on_participant_list', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('manage_secret', sa.String(length=64), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("attendance IS NULL OR attendance IN ('present', 'no_show')", name=op.f('ck_meeting_registrations_attendance')),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f('ck_meeting_registrations_status')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_meeting_registrations_seats_positive')),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_meeting_registrations_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_meeting_registrations_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_registrations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_registrations'))
    )
    with op.batch_alter_table('meeting_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_registrations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_registrations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_registrations_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_registrations_occurrence_status', ['occurrence_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_registration_live_email', ['occurrence_id', 'email'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))



def downgrade():
    with op.batch_alter_table('meeting_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registration_live_email', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index('ix_registrations_occurrence_status')
        batch_op.drop_index(batch_op.f('ix_meeting_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_registrations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_registrations_email'))

    op.drop_table('meeting_registrations')
    op.drop_table('series_themes')
    with op.batch_alter_table('meeting_occurrences', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_occurrences_starts_at')
        batch_op.drop_index(batch_op.f('ix_meeting_occurrences_series_id'))

    op.drop_table('meeting_occurrences')
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_status'))
        batch_op.drop_index(batch_op.f('ix_meeting_series_space_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_series_district'))

    op.drop_table('meeting_series')
    op.drop_table('meeting_themes')
