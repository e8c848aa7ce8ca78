#!/usr/bin/python3
"""A clear-text SMTP server with AUTH and no STARTTLS, for notifications_smtp.sh.

    smtp_auth_server.py PORT MAILDIR AUTH_LOG USER PASSWORD_FILE

Listens on 127.0.0.1:PORT, offers AUTH PLAIN/LOGIN without TLS (aiosmtpd's
auth_require_tls=False), never STARTTLS, and writes each message it accepts
into MAILDIR. Every AUTH attempt appends "AUTH <mechanism> <login> accepted"
(or "refused") to AUTH_LOG, never the password. Runs until SIGTERM or SIGINT.
"""
import signal
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    port, maildir, auth_log, user, password_file = sys.argv[1:6]
    with open(password_file, encoding="utf-8") as f:
        password = f.readline().rstrip("\r\n").encode()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password)
        login = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
        with open(auth_log, "a", encoding="utf-8") as log:
            log.write(f"AUTH {mechanism} {login} {'accepted' if ok else 'refused'}\n")
        return AuthResult(success=ok)

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            auth_require_tls=False, authenticator=authenticator)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
