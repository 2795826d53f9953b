"""API tokens (``Authorization: Bearer <token>``, or ``Token <token>``): a script authenticates with a
token bound to an account, instead of sending a password that each request would have to hash
(Argon2, ~0.1 s of a core). The token acts as its account, so scope and roles are the account's."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from casework.services import api_token_digest, api_token_touch

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """An unknown, revoked or expired token, or one whose account is inactive, is refused alike (401)."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        try:
            secret = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from None
        from casework.models import ApiToken

        token = ApiToken.objects.select_related("user__organisation").filter(key_hash=api_token_digest(secret)).first()
        now = timezone.now()
        if token is None or not token.is_usable(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已吊销。"))
        api_token_touch(token, now)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "接口令牌：Authorization: Bearer <令牌>（也接受 Token <令牌>）。令牌代表一个账号，"
            "范围与角色即该账号的单位与角色；由管理员在后台“接口令牌”或以 manage.py create_api_token 创建，可吊销。",
        }
