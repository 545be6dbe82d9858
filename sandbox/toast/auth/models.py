"""API clients, their access tokens (JWTs on the sandbox clock) and the login rules."""

import functools
import hmac
import uuid
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from sandbox.core.errors import Unauthorized
from sandbox.toast import errors

AUDIENCE = "https://toast-services-api/"
ISSUER = "https://pos-sandbox.local/"
KEY_ID = "pos-sandbox-1"
# A token is renewed only in its last minute of validity.
RENEW_WINDOW = 60


@dataclass
class Client:
    client_id: str
    secret: str
    name: str
    type: str                                   # PARTNER or RESTAURANT_GROUP
    scopes: list = field(default_factory=list)
    partner_guid: str = None
    management_group_guid: str = None
    current_token: str = None

    @property
    def is_partner(self):
        return self.type == "PARTNER"

    def claims(self, issued_at, expires_at):
        """The JWT claims the platform puts in a machine client's token."""
        claims = {
            "iss": ISSUER,
            "sub": f"{self.client_id}@clients",
            "aud": AUDIENCE,
            "iat": issued_at,
            "exp": expires_at,
            # Two tokens of one client issued in the same second still differ.
            "jti": uuid.uuid4().hex,
            "azp": self.client_id,
            "gty": "client-credentials",
            "scope": " ".join(self.scopes),
            "https://toasttab.com/client_name": self.name,
            "https://toasttab.com/access_type": "TOAST_MACHINE_CLIENT",
            "https://toasttab.com/type": "PARTNER" if self.is_partner else "CUSTOMER",
        }
        if self.is_partner:
            claims["https://toasttab.com/partner_guid"] = self.partner_guid
        else:
            claims["https://toasttab.com/management_set_guid"] = self.management_group_guid
        return claims

    def to_credentials(self, restaurants):
        """The entry `GET /_sandbox/credentials` lists for this client."""
        return {
            "clientId": self.client_id,
            "clientSecret": self.secret,
            "name": self.name,
            "type": self.type,
            "scopes": list(self.scopes),
            "restaurants": restaurants,
            "managementGroupGuid": self.management_group_guid,
        }


@dataclass
class Token:
    access_token: str
    client_id: str
    issued_at: int
    expires_at: int

    def expires_in(self, now):
        return max(0, self.expires_at - int(now))

    def to_dict(self, now):
        return {
            "@class": ".SuccessfulResponse",
            "token": {
                "tokenType": "Bearer",
                "scope": None,
                "expiresIn": self.expires_in(now),
                "accessToken": self.access_token,
                "idToken": None,
                "refreshToken": None,
            },
            "status": "SUCCESS",
        }

    def to_legacy_dict(self, now, client):
        """The deprecated user management login's answer (the guide's "Legacy API authentication")."""
        claims = jwt.decode(self.access_token, options={"verify_signature": False})
        return {"access_token": self.access_token, "token_type": "bearer", "expires_in": self.expires_in(now),
                "scope": " ".join(client.scopes), "jti": claims["jti"], "namingAuthority": client.name,
                "rsGuid": client.management_group_guid}


@functools.lru_cache(maxsize=1)
def _signing_key():
    """One RSA key per process: tokens are RS256 like the platform's, and generating a key takes a moment."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def login(state, now, lifetime, client_id, secret):
    """The client's current token, or a new one when it has none, it expired, or it is in its last minute."""
    client = state.clients.get(client_id)
    if client is None or not hmac.compare_digest(client.secret.encode(), (secret or "").encode()):
        raise Unauthorized(errors.BAD_CREDENTIALS)
    now = int(now)
    current = state.tokens.get(client.current_token)
    if current is not None and current.expires_at - now > RENEW_WINDOW:
        return current
    issued_at, expires_at = now, now + lifetime
    access_token = jwt.encode(client.claims(issued_at, expires_at), _signing_key(), algorithm="RS256",
                              headers={"kid": KEY_ID})
    token = Token(access_token, client.client_id, issued_at, expires_at)
    state.tokens[access_token] = token
    client.current_token = access_token
    return token


def authenticate(state, now, authorization):
    """The Client behind an `Authorization: Bearer` header; 401 when missing, malformed, unknown or expired."""
    if not authorization:
        raise Unauthorized(errors.TOKEN_MISSING)
    scheme, _, access_token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not access_token.strip():
        raise Unauthorized(errors.TOKEN_MALFORMED)
    token = state.tokens.get(access_token.strip())
    if token is None:
        raise Unauthorized(errors.TOKEN_UNKNOWN)
    if token.expires_at <= now:
        raise Unauthorized(errors.TOKEN_EXPIRED)
    return state.clients[token.client_id]
