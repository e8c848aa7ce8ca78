#!/usr/bin/env python3
"""Secret-leak check for the end-to-end scripts (called by finish in lib.sh).

usage: secret_scan.py ROOT

Scans every file an e2e script left under ROOT (the daemon's and the bridge's
logs, captured replies and stderr, REPL history, exports...) for secrets:
argon2 password hashes, the test card numbers, the token signing key, martd's
CURVE secret key, the operator cookie, and any secret the script registered (ROOT/.secrets/<kind>.*,
e.g. an SMTP password); logs and stderr also for JWTs (access and refresh
tokens) and the passwords the script used. Files whose job is to hold a
secret are skipped: the key and cookie files, SQLite databases (password
hashes live there), saved logins, and inputs the script listed in
ROOT/.secrets/inputs. Prints "secret leak: <file>: <kind>" per hit,
never the secret, and exits 1 when there is one.
"""
import base64
import os
import re
import sys

TEST_CARDS = ["4242424242424242", "4000000000000002", "4000000000009995"]
JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}")
ARGON2 = re.compile(rb"\$argon2(?:id|i|d)\$")
# Files that exist to hold a secret.
SECRET_STORES = {"signing.key", "cookie", "curve.key"}


def card_pattern(number):
    # 4242424242424242, 4242 4242 4242 4242, 4242-4242-...; not inside a longer run of digits.
    body = rb"[ -]?".join(re.escape(d.encode()) for d in number)
    return re.compile(rb"(?<![0-9])" + body + rb"(?![0-9])")


def key_forms(raw):
    forms = [raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw),
             base64.urlsafe_b64encode(raw).rstrip(b"=")]
    return [f for f in forms if len(f) >= 16]


def is_log(path):
    name = os.path.basename(path)
    return name.endswith(".log") or name.endswith(".err") or name == "stderr"


def collect(root):
    """Returns (secrets, inputs): secrets as [(kind, pattern, logs_only)]."""
    secrets = [("argon2 password hash", ARGON2, False)]
    secrets += [("card number", card_pattern(c), False) for c in TEST_CARDS]
    secrets.append(("token (JWT)", JWT, True))
    inputs = set()
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if name == "signing.key" and len(data) == 32:
                for form in key_forms(data):
                    secrets.append(("token signing key", re.compile(re.escape(form)), False))
            if name == "curve.key":
                # Its first line is martd's CURVE secret key (Z85); the second is public.
                secret = data.split(b"\n")[0].strip()
                if len(secret) == 40:
                    secrets.append(("CURVE secret key", re.compile(re.escape(secret)), False))
    secret_dir = os.path.join(root, ".secrets")
    if os.path.isdir(secret_dir):
        for name in sorted(os.listdir(secret_dir)):
            with open(os.path.join(secret_dir, name), "rb") as f:
                value = f.read().strip()
            if name == "inputs":
                inputs.update(line.decode() for line in value.splitlines() if line)
                continue
            kind = name.split(".")[0]
            if len(value) >= 6:
                logs_only = kind == "password"
                secrets.append((kind.replace("-", " "), re.compile(re.escape(value)), logs_only))
    return secrets, inputs


def skipped(path, root, inputs, data):
    name = os.path.basename(path)
    rel = os.path.relpath(path, root)
    if rel.startswith(".secrets" + os.sep) or path in inputs or name in SECRET_STORES:
        return True
    if name.startswith("credentials") or data.startswith(b"SQLite format 3\x00"):
        return True
    # SQLite's journal and WAL files hold database pages too.
    return name.endswith("-wal") or name.endswith("-shm") or name.endswith("-journal")


def main():
    root = os.path.realpath(sys.argv[1])
    secrets, inputs = collect(root)
    inputs = {os.path.realpath(p) for p in inputs}
    leaks = 0
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.realpath(os.path.join(dirpath, name))
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if skipped(path, root, inputs, data):
                continue
            seen = set()
            for kind, pattern, logs_only in secrets:
                if logs_only and not is_log(path):
                    continue
                if kind not in seen and pattern.search(data):
                    seen.add(kind)
                    print(f"secret leak: {os.path.relpath(path, root)}: {kind}")
                    leaks += 1
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
