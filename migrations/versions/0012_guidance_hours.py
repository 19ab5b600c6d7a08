"""Guidance hours: hours, their advisers, dated windows, appointments, adviser feed keys (reviewed by
hand: the partial unique index uq_guidance_appointment_live_slot on (guidance_hour_id, starts_at)
WHERE status <> 'cancelled' is what guarantees that a slot never gets two appointments, on SQLite
and PostgreSQL alike; the CHECK slots_divide_window keeps the slot length a divisor of the window).

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-04 11:30:15.299136

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guidance_adviser_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guidance_adviser_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_guidance_adviser_feeds'))
    )
    op.create_table('guidance_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('title_fi', sa.String(length=200), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=True),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description_fi', sa.Text(), nullable=True),
    sa.Column('description_sv', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('start_local', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=True),
    sa.Column('space_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('question_fi', sa.String(length=300), nullable=True),
    sa.Column('question_sv', sa.String(length=300), nullable=True),
    sa.Column('question_en', sa.String(length=300), nullable=True),
    sa.Column('question_required', sa.Boolean(), nullable=False),
    sa.Column('reminder_hours_before', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('published', 'cancelled')", name=op.f('ck_guidance_hours_status')),
    sa.CheckConstraint('duration_minutes % slot_minutes = 0', name=op.f('ck_guidance_hours_slots_divide_window')),
    sa.CheckConstraint('duration_minutes > 0 AND duration_minutes <= 720', name=op.f('ck_guidance_hours_duration_range')),
    sa.CheckConstraint('reminder_hours_before IS NULL OR (reminder_hours_before >= 1 AND reminder_hours_before <= 336)', name=op.f('ck_guidance_hours_reminder_range')),
    sa.CheckConstraint('slot_minutes >= 5 AND slot_minutes <= duration_minutes', name=op.f('ck_guidance_hours_slot_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guidance_hours_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_guidance_hours_space_id_spaces'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['meeting_themes.id'], name=op.f('fk_guidance_hours_theme_id_meeting_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_hours')),
    sa.UniqueConstraint('uid', name=op.f('uq_guidance_hours_uid'))
    )
    with op.batch_alter_table('guidance_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_hours_space_id'), ['space_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_hours_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_hours_theme_id'), ['theme_id'], unique=False)

    op.create_table('guidance_hour_advisers',
    sa.Column('guidance_hour_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['guidance_hour_id'], ['guidance_hours.id'], name=op.f('fk_guidance_hour_advisers_guidance_hour_id_guidance_hours'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guidance_hour_advisers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('guidance_hour_id', 'user_id', name=op.f('pk_guidance_hour_advisers'))
    )
    with op.batch_alter_table('guidance_hour_advisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_hour_advisers_user_id'), ['user_id'], unique=False)

    op.create_table('guidance_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guidance_hour_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name=op.f('ck_guidance_windows_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_guidance_windows_ends_after_start')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_guidance_windows_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['guidance_hour_id'], ['guidance_hours.id'], name=op.f('fk_guidance_windows_guidance_hour_id_guidance_hours'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_windows')),
    sa.UniqueConstraint('guidance_hour_id', 'starts_at', name='uq_guidance_window_start')
    )
    with op.batch_alter_table('guidance_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_windows_guidance_hour_id'), ['guidance_hour_id'], unique=False)
        batch_op.create_index('ix_guidance_windows_starts_at', ['starts_at'], unique=False)

    op.create_table('guidance_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guidance_hour_id', sa.Integer(), nullable=False),
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=True),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('manage_secret', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('booked', 'cancelled')", name=op.f('ck_guidance_appointments_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_guidance_appointments_ends_after_start')),
    sa.ForeignKeyConstraint(['guidance_hour_id'], ['guidance_hours.id'], name=op.f('fk_guidance_appointments_guidance_hour_id_guidance_hours'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_guidance_appointments_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guidance_appointments_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['window_id'], ['guidance_windows.id'], name=op.f('fk_guidance_appointments_window_id_guidance_windows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guidance_appointments'))
    )
    with op.batch_alter_table('guidance_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guidance_appointments_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_appointments_guidance_hour_id'), ['guidance_hour_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_appointments_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_guidance_appointments_starts_at', ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_appointments_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guidance_appointments_window_id'), ['window_id'], unique=False)
        batch_op.create_index('uq_guidance_appointment_live_slot', ['guidance_hour_id', 'starts_at'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))



def downgrade():
    with op.batch_alter_table('guidance_appointments', schema=None) as batch_op:
        batch_op.drop_index('uq_guidance_appointment_live_slot', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_guidance_appointments_window_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_appointments_user_id'))
        batch_op.drop_index('ix_guidance_appointments_starts_at')
        batch_op.drop_index(batch_op.f('ix_guidance_appointments_organization_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_appointments_guidance_hour_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_appointments_email'))

    op.drop_table('guidance_appointments')
    with op.batch_alter_table('guidance_windows', schema=None) as batch_op:
        batch_op.drop_index('ix_guidance_windows_starts_at')
        batch_op.drop_index(batch_op.f('ix_guidance_windows_guidance_hour_id'))

    op.drop_table('guidance_windows')
    with op.batch_alter_table('guidance_hour_advisers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_hour_advisers_user_id'))

    op.drop_table('guidance_hour_advisers')
    with op.batch_alter_table('guidance_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guidance_hours_theme_id'))
        batch_op.drop_index(batch_op.f('ix_guidance_hours_status'))
        batch_op.drop_index(batch_op.f('ix_guidance_hours_space_id'))

    op.drop_table('guidance_hours')
    op.drop_table('guidance_adviser_feeds')
