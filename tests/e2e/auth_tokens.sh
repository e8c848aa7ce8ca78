#!/usr/bin/env bash
# Token lifecycle through the real binaries: garbage, forged-expired, revoked
# (logout) and reused refresh tokens are refused; a deactivated user is locked out.
source "$(dirname "$0")/lib.sh"
start_daemon

register admin@example.com >/dev/null
register user@example.com >/dev/null
login user@example.com

expect_exit 4 "$MARTCTL" --token not-a-token auth whoami
expect_stderr "token is malformed"

# An expired token signed with the daemon's own key: only expiry is wrong.
expired=$(python3 - "$MART_DATA_DIR/signing.key" <<'PY'
import base64, hashlib, hmac, json, sys, time
key = open(sys.argv[1], "rb").read()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
now = int(time.time())
body = b64(json.dumps({"sub": "2", "sid": 1, "role": "user", "typ": "access",
                       "iat": now - 7200, "exp": now - 3600, "jti": "x"}).encode())
sig = b64(hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest())
print(f"{head}.{body}.{sig}")
PY
)
expect_exit 4 "$MARTCTL" --token "$expired" auth whoami
expect_stderr "token has expired"

# Refresh rotation, then reuse of the old refresh token revokes the session.
cp "$MART_CREDENTIALS_FILE" "$E2E_ROOT/old-credentials.json"
"$MARTCTL" auth refresh >/dev/null 2>&1
expect_exit 0 "$MARTCTL" auth whoami -o json
cp "$MART_CREDENTIALS_FILE" "$E2E_ROOT/new-credentials.json"
cp "$E2E_ROOT/old-credentials.json" "$MART_CREDENTIALS_FILE"
expect_exit 4 "$MARTCTL" auth refresh
expect_stderr "already used"
cp "$E2E_ROOT/new-credentials.json" "$MART_CREDENTIALS_FILE"
token=$(jq -r '.profiles.default.access_token' "$MART_CREDENTIALS_FILE")
expect_exit 4 "$MARTCTL" --token "$token" auth whoami
expect_stderr "session has ended"

# Logout revokes the access token even though it has not expired.
login user@example.com
token=$(jq -r '.profiles.default.access_token' "$MART_CREDENTIALS_FILE")
"$MARTCTL" auth logout 2>/dev/null
expect_exit 4 "$MARTCTL" --token "$token" auth whoami

# MART_TOKEN is used like --token.
login user@example.com
token=$(jq -r '.profiles.default.access_token' "$MART_CREDENTIALS_FILE")
expect_exit 0 env MART_TOKEN="$token" MART_CREDENTIALS_FILE=/nonexistent "$MARTCTL" auth whoami -o json
expect_eq user@example.com "$(jq -r .email <<<"$OUT")" "MART_TOKEN authenticates"

# Deactivation locks out the live token and new logins.
as_operator user deactivate 2 >/dev/null
expect_exit 4 "$MARTCTL" --token "$token" auth whoami
expect_exit 4 login user@example.com
as_operator user activate 2 >/dev/null
expect_exit 0 login user@example.com
finish
