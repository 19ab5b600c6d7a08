"""Sign-up and organisation membership (issue 15): pending sign-ups, memberships with a role and a
status, organisation proposals, users.email_verified_at. Existing users with an organisation
become its approved members; the first of each organisation (lowest id) its contact person.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('pending_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('secret', sa.String(length=32), nullable=False),
    sa.Column('privacy_accepted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_signups')),
    sa.UniqueConstraint('email', name=op.f('uq_pending_signups_email'))
    )
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_signups_created_at'), ['created_at'], unique=False)

    op.create_table('organization_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('member', 'contact')", name=op.f('ck_organization_memberships_role')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined', 'removed')", name=op.f('ck_organization_memberships_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_organization_memberships_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_memberships_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_organization_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_memberships')),
    sa.UniqueConstraint('user_id', 'organization_id', name='uq_organization_memberships_user_org')
    )
    with op.batch_alter_table('organization_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_organization_memberships_org_status', ['organization_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('organization_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('business_id', sa.String(length=9), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('district', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f('ck_organization_proposals_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_organization_proposals_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_proposals_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], name=op.f('fk_organization_proposals_proposer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_proposals'))
    )
    with op.batch_alter_table('organization_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_organization_proposals_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_proposals_proposer_id'), ['proposer_id'], unique=False)

    # Existing NGO users with an organisation: approved members; the first of each its contact person.
    op.execute(sa.text(
        "INSERT INTO organization_memberships (user_id, organization_id, role, status, requested_at, decided_at) "
        "SELECT u.id, u.organization_id, "
        "CASE WHEN u.id = (SELECT MIN(f.id) FROM users f WHERE f.organization_id = u.organization_id "
        "AND f.role = 'ngo' AND f.active = :yes) THEN 'contact' ELSE 'member' END, "
        "'approved', u.created_at, u.created_at "
        "FROM users u WHERE u.organization_id IS NOT NULL AND u.role = 'ngo'").bindparams(yes=True))


def downgrade():
    with op.batch_alter_table('organization_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_proposals_proposer_id'))
        batch_op.drop_index('ix_organization_proposals_status_created')
    op.drop_table('organization_proposals')
    with op.batch_alter_table('organization_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_memberships_user_id'))
        batch_op.drop_index('ix_organization_memberships_org_status')
    op.drop_table('organization_memberships')
    with op.batch_alter_table('pending_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_signups_created_at'))
    op.drop_table('pending_signups')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')
