"""Meeting records, materials and outcomes (reviewed by hand: the unique occurrence of a record,
the unique (occurrence, days) reminder and the unique (outcome, user) follower are what make
publishing, reminding and following idempotent under concurrency; the CHECK keeps a published
record from having no Finnish minutes).

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-04 11:24:15.024498

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title_fi', sa.String(length=200), nullable=False),
    sa.Column('title_sv', sa.String(length=200), nullable=True),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('description_fi', sa.Text(), nullable=True),
    sa.Column('description_sv', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done', 'declined')", name=op.f('ck_outcomes_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outcomes_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_status'), ['status'], unique=False)

    op.create_table('outcome_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=True),
    sa.Column('note_fi', sa.Text(), nullable=True),
    sa.Column('note_sv', sa.Text(), nullable=True),
    sa.Column('note_en', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IS NULL OR status IN ('open', 'in_progress', 'done', 'declined')", name=op.f('ck_outcome_events_status')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_outcome_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_events_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_events'))
    )
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.create_index('ix_outcome_events_outcome_at', ['outcome_id', 'at'], unique=False)

    op.create_table('outcome_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('unfollowed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_followers_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outcome_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_followers')),
    sa.UniqueConstraint('outcome_id', 'user_id', name='uq_outcome_follower_user')
    )
    with op.batch_alter_table('outcome_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_followers_user_id'), ['user_id'], unique=False)

    op.create_table('outcome_themes',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_themes_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['meeting_themes.id'], name=op.f('fk_outcome_themes_theme_id_meeting_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'theme_id', name=op.f('pk_outcome_themes'))
    )
    with op.batch_alter_table('outcome_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('meeting_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=100), nullable=False),
    sa.Column('public_before_meeting', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_meeting_attachments_size_nonnegative')),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_meeting_attachments_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_meeting_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_meeting_attachments_storage_key'))
    )
    with op.batch_alter_table('meeting_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_attachments_occurrence', ['occurrence_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    op.create_table('meeting_record_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_meeting_record_reminders_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_record_reminders')),
    sa.UniqueConstraint('occurrence_id', 'days', name='uq_record_reminder_occurrence_days')
    )
    op.create_table('meeting_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('agenda_fi', sa.Text(), nullable=True),
    sa.Column('agenda_sv', sa.Text(), nullable=True),
    sa.Column('agenda_en', sa.Text(), nullable=True),
    sa.Column('summary_fi', sa.Text(), nullable=True),
    sa.Column('summary_sv', sa.Text(), nullable=True),
    sa.Column('summary_en', sa.Text(), nullable=True),
    sa.Column('attendees_count', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attendees_count IS NULL OR attendees_count >= 0', name=op.f('ck_meeting_records_attendees_nonnegative')),
    sa.CheckConstraint('published_at IS NULL OR summary_fi IS NOT NULL', name=op.f('ck_meeting_records_published_has_minutes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_records_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_meeting_records_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_meeting_records_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_records')),
    sa.UniqueConstraint('occurrence_id', name=op.f('uq_meeting_records_occurrence_id'))
    )
    with op.batch_alter_table('meeting_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_records_published_at'), ['published_at'], unique=False)

    op.create_table('outcome_occurrences',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_outcome_occurrences_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_occurrences_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'occurrence_id', name=op.f('pk_outcome_occurrences'))
    )
    with op.batch_alter_table('outcome_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_occurrences_occurrence_id'), ['occurrence_id'], unique=False)

    op.create_table('meeting_record_organizations',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_meeting_record_organizations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['meeting_records.id'], name=op.f('fk_meeting_record_organizations_record_id_meeting_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'organization_id', name=op.f('pk_meeting_record_organizations'))
    )
    op.create_table('meeting_record_topics',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['topic_proposals.id'], name=op.f('fk_meeting_record_topics_proposal_id_topic_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['meeting_records.id'], name=op.f('fk_meeting_record_topics_record_id_meeting_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'proposal_id', name=op.f('pk_meeting_record_topics'))
    )
    op.create_table('outcome_topics',
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_topics_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['topic_proposals.id'], name=op.f('fk_outcome_topics_proposal_id_topic_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('outcome_id', 'proposal_id', name=op.f('pk_outcome_topics'))
    )
    with op.batch_alter_table('outcome_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_topics_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outcome_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_topics_proposal_id'))

    op.drop_table('outcome_topics')
    op.drop_table('meeting_record_topics')
    op.drop_table('meeting_record_organizations')
    with op.batch_alter_table('outcome_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_occurrences_occurrence_id'))

    op.drop_table('outcome_occurrences')
    with op.batch_alter_table('meeting_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_records_published_at'))

    op.drop_table('meeting_records')
    op.drop_table('meeting_record_reminders')
    with op.batch_alter_table('meeting_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attachments_uploaded_by_id'))
        batch_op.drop_index('ix_meeting_attachments_occurrence')

    op.drop_table('meeting_attachments')
    with op.batch_alter_table('outcome_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_themes_theme_id'))

    op.drop_table('outcome_themes')
    with op.batch_alter_table('outcome_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_followers_user_id'))

    op.drop_table('outcome_followers')
    with op.batch_alter_table('outcome_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outcome_events_outcome_at')

    op.drop_table('outcome_events')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_status'))
        batch_op.drop_index(batch_op.f('ix_outcomes_created_at'))

    op.drop_table('outcomes')
