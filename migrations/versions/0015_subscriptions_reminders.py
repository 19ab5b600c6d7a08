"""Subscriptions to themes and districts, their once-only notice/digest records, series
announcements, meeting reminders and the series' reminder_hours_before (issue 15 item 3).

Reviewed by hand: the unique constraints uq_subscription_notice_user_series,
uq_subscription_digest_user_week and uq_meeting_reminder_registration_start are what make the cron
commands send each mail once, however many hosts run them (claimed with INSERT … ON CONFLICT DO
NOTHING in the mail's transaction). Existing series get reminder_hours_before = 24 (server default);
existing published series are not announced (subscribers hear only of series published later).

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hours_before', sa.Integer(), server_default='24', nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_meeting_series_reminder_range'),
            'reminder_hours_before IS NULL OR (reminder_hours_before >= 1 AND reminder_hours_before <= 336)')

    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('district', sa.String(length=20), nullable=True),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("frequency IN ('immediate', 'weekly')", name=op.f('ck_subscriptions_frequency')),
    sa.CheckConstraint('theme_id IS NOT NULL OR district IS NOT NULL', name=op.f('ck_subscriptions_theme_or_district')),
    sa.ForeignKeyConstraint(['theme_id'], ['meeting_themes.id'], name=op.f('fk_subscriptions_theme_id_meeting_themes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sa.UniqueConstraint('user_id', 'key', name='uq_subscription_user_key')
    )
    op.create_index(op.f('ix_subscriptions_theme_id'), 'subscriptions', ['theme_id'], unique=False)
    op.create_index(op.f('ix_subscriptions_user_id'), 'subscriptions', ['user_id'], unique=False)

    op.create_table('series_announcements',
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_series_announcements_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('series_id', name=op.f('pk_series_announcements'))
    )
    op.create_index(op.f('ix_series_announcements_published_at'), 'series_announcements', ['published_at'], unique=False)

    op.create_table('subscription_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("via IN ('immediate', 'weekly')", name=op.f('ck_subscription_notices_via')),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_subscription_notices_series_id_meeting_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscription_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_notices')),
    sa.UniqueConstraint('user_id', 'series_id', name='uq_subscription_notice_user_series')
    )
    op.create_index(op.f('ix_subscription_notices_series_id'), 'subscription_notices', ['series_id'], unique=False)

    op.create_table('subscription_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('series_count', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscription_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_digests')),
    sa.UniqueConstraint('user_id', 'week', name='uq_subscription_digest_user_week')
    )

    op.create_table('meeting_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_meeting_reminders_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['meeting_registrations.id'], name=op.f('fk_meeting_reminders_registration_id_meeting_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_reminders')),
    sa.UniqueConstraint('registration_id', 'starts_at', name='uq_meeting_reminder_registration_start')
    )
    op.create_index(op.f('ix_meeting_reminders_occurrence_id'), 'meeting_reminders', ['occurrence_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_index(op.f('ix_meeting_reminders_occurrence_id'), table_name='meeting_reminders')
    op.drop_table('meeting_reminders')
    op.drop_table('subscription_digests')
    op.drop_index(op.f('ix_subscription_notices_series_id'), table_name='subscription_notices')
    op.drop_table('subscription_notices')
    op.drop_index(op.f('ix_series_announcements_published_at'), table_name='series_announcements')
    op.drop_table('series_announcements')
    op.drop_index(op.f('ix_subscriptions_user_id'), table_name='subscriptions')
    op.drop_index(op.f('ix_subscriptions_theme_id'), table_name='subscriptions')
    op.drop_table('subscriptions')
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_series_reminder_range'), type_='check')
        batch_op.drop_column('reminder_hours_before')
