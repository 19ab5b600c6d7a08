"""Content versions of the accounts feature (app.core.versions): ``users`` (accounts, roles, API
tokens: who may see a personal cached page, app/core/page_cache.py) and ``organizations``."""
from app.accounts.models import ApiToken, Organization, User
from app.core.page_cache import USERS
from app.core.versions import watch

ORGANIZATIONS = "organizations"

watch(USERS, [User, ApiToken])
watch(ORGANIZATIONS, [Organization])
