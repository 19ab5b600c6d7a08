"""Feedback forms, questions, invitations, responses, answers; topic proposals and votes
(reviewed by hand: the unique constraints on (occurrence, registration) invitations, on the
response's invitation and on (proposal, user) votes are what make sending and voting idempotent
under concurrency).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:03:24.094804

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('open_days', sa.Integer(), nullable=False),
    sa.Column('send_after_hours', sa.Integer(), nullable=False),
    sa.Column('remind_after_days', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('intro_fi', sa.Text(), nullable=True),
    sa.Column('intro_sv', sa.Text(), nullable=True),
    sa.Column('intro_en', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('open_days > 0 AND open_days <= 365', name=op.f('ck_feedback_forms_open_days_range')),
    sa.CheckConstraint('remind_after_days > 0 AND remind_after_days <= 60', name=op.f('ck_feedback_forms_remind_after_days_range')),
    sa.CheckConstraint('send_after_hours >= 0 AND send_after_hours <= 720', name=op.f('ck_feedback_forms_send_after_hours_range')),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_feedback_forms_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_forms')),
    sa.UniqueConstraint('series_id', name=op.f('uq_feedback_forms_series_id'))
    )
    op.create_table('feedback_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=True),
    sa.Column('text_fi', sa.String(length=500), nullable=False),
    sa.Column('text_sv', sa.String(length=500), nullable=True),
    sa.Column('text_en', sa.String(length=500), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('options_from_themes', sa.Boolean(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('rating', 'single', 'multiple', 'text')", name=op.f('ck_feedback_questions_kind')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_feedback_questions_position_nonnegative')),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_questions_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['meeting_themes.id'], name=op.f('fk_feedback_questions_theme_id_meeting_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_questions'))
    )
    with op.batch_alter_table('feedback_questions', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_questions_form_position', ['form_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_questions_theme_id'), ['theme_id'], unique=False)

    op.create_table('topic_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('proposer_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('linked_occurrence_id', sa.Integer(), nullable=True),
    sa.Column('staff_note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('votes_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('proposed', 'taken_up', 'declined')", name=op.f('ck_topic_proposals_status')),
    sa.CheckConstraint('occurrence_id IS NOT NULL OR series_id IS NOT NULL', name=op.f('ck_topic_proposals_has_target')),
    sa.CheckConstraint('votes_count >= 0', name=op.f('ck_topic_proposals_votes_nonnegative')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_topic_proposals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['linked_occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_topic_proposals_linked_occurrence_id_meeting_occurrences'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_topic_proposals_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_topic_proposals_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_topic_proposals_proposer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_topic_proposals_series_id_meeting_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_proposals'))
    )
    with op.batch_alter_table('topic_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_proposals_linked_occurrence_id'), ['linked_occurrence_id'], unique=False)
        batch_op.create_index('ix_topic_proposals_occurrence_status', ['occurrence_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_proposals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_proposals_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_proposals_series_id'), ['series_id'], unique=False)

    op.create_table('feedback_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_invitations_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_feedback_invitations_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['meeting_registrations.id'], name=op.f('fk_feedback_invitations_registration_id_meeting_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_invitations')),
    sa.UniqueConstraint('occurrence_id', 'registration_id', name='uq_feedback_invitation_registration')
    )
    with op.batch_alter_table('feedback_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_invitations_form_id'), ['form_id'], unique=False)
        batch_op.create_index('ix_feedback_invitations_pending', ['occurrence_id', 'responded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_invitations_registration_id'), ['registration_id'], unique=False)

    op.create_table('topic_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['topic_proposals.id'], name=op.f('fk_topic_votes_proposal_id_topic_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_topic_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_votes')),
    sa.UniqueConstraint('proposal_id', 'user_id', name='uq_topic_vote_user')
    )
    with op.batch_alter_table('topic_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_votes_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['feedback_forms.id'], name=op.f('fk_feedback_responses_form_id_feedback_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['feedback_invitations.id'], name=op.f('fk_feedback_responses_invitation_id_feedback_invitations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['meeting_occurrences.id'], name=op.f('fk_feedback_responses_occurrence_id_meeting_occurrences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['meeting_registrations.id'], name=op.f('fk_feedback_responses_registration_id_meeting_registrations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
    sa.UniqueConstraint('invitation_id', name='uq_feedback_responses_invitation_id')
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_responses_form_occurrence', ['form_id', 'occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_responses_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_responses_registration_id'), ['registration_id'], unique=False)

    op.create_table('feedback_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('choices', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.CheckConstraint('rating IS NOT NULL OR choices IS NOT NULL OR text IS NOT NULL', name=op.f('ck_feedback_answers_not_empty')),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_feedback_answers_rating_range')),
    sa.ForeignKeyConstraint(['question_id'], ['feedback_questions.id'], name=op.f('fk_feedback_answers_question_id_feedback_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['feedback_responses.id'], name=op.f('fk_feedback_answers_response_id_feedback_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_answers')),
    sa.UniqueConstraint('response_id', 'question_id', name='uq_feedback_answer_question')
    )
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_answers_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_answers_question_id'))

    op.drop_table('feedback_answers')
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_registration_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_responses_occurrence_id'))
        batch_op.drop_index('ix_feedback_responses_form_occurrence')

    op.drop_table('feedback_responses')
    with op.batch_alter_table('topic_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_votes_user_id'))

    op.drop_table('topic_votes')
    with op.batch_alter_table('feedback_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_invitations_registration_id'))
        batch_op.drop_index('ix_feedback_invitations_pending')
        batch_op.drop_index(batch_op.f('ix_feedback_invitations_form_id'))

    op.drop_table('feedback_invitations')
    with op.batch_alter_table('topic_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_proposals_series_id'))
        batch_op.drop_index(batch_op.f('ix_topic_proposals_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_topic_proposals_organization_id'))
        batch_op.drop_index('ix_topic_proposals_occurrence_status')
        batch_op.drop_index(batch_op.f('ix_topic_proposals_linked_occurrence_id'))

    op.drop_table('topic_proposals')
    with op.batch_alter_table('feedback_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_questions_theme_id'))
        batch_op.drop_index('ix_feedback_questions_form_position')

    op.drop_table('feedback_questions')
    op.drop_table('feedback_forms')
