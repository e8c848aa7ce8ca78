#!/usr/bin/env python3
"""Hostile HTTP clients for rest_hostile.sh. Each subcommand talks to mart-rest
at HOST:PORT over raw sockets and prints what it saw as one JSON object on
stdout, for the script to assert on. Nothing here asserts on timing: every
wait has a generous bound, and running past it is reported, not raced.

  chunked HOST PORT MB           POST MB mebibytes in chunks; stops sending
                                 once the server answers (as curl does)
  headers HOST PORT COUNT        GET /health with COUNT extra headers
  big-header HOST PORT BYTES     GET /health with one header of BYTES bytes
  slow HOST PORT N [--wait-closed]
                                 N connections that trickle a request head
                                 and never finish it, then GET /health on a
                                 new connection; with --wait-closed, also
                                 wait until the server closes all N
  pipeline HOST PORT REQUEST...  every REQUEST ("METHOD PATH [TOKEN]") in one
                                 write on one connection, then read the replies
"""
import json
import select
import socket
import sys
import threading
import time

PATIENCE_S = 60  # the most any step waits for the server


def connect(host, port):
    sock = socket.create_connection((host, int(port)), timeout=PATIENCE_S)
    return sock


class Replies:
    """Reads HTTP/1.1 responses, one after another, from one socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        self.buffer += data

    def next(self, head_only=False):
        """{status, headers, body} of the next reply, or None at end of stream."""
        try:
            while b"\r\n\r\n" not in self.buffer:
                self._fill()
        except (EOFError, ConnectionResetError):
            return None
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only else int(headers.get("content-length", "0"))
        try:
            while len(self.buffer) < length:
                self._fill()
        except (EOFError, ConnectionResetError):
            return None
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return {"status": status, "headers": headers, "body": body.decode("utf-8", "replace")}


def answered(sock):
    return bool(select.select([sock], [], [], 0)[0])


def send_until_answered(sock, parts):
    """Sends each part of `parts` until the server has something to say.
    Returns the bytes sent."""
    sent = 0
    for part in parts:
        if answered(sock):
            break
        try:
            sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(part)
    return sent


def reply_summary(sock, sent):
    reply = Replies(sock).next()
    out = {"sent": sent, "status": None, "detail": None}
    if reply is not None:
        out["status"] = reply["status"]
        try:
            out["detail"] = json.loads(reply["body"]).get("detail")
        except ValueError:
            out["detail"] = reply["body"]
    return out


def chunked(host, port, mebibytes):
    sock = connect(host, port)
    head = (b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"

    def parts():
        yield head
        for _ in range(int(mebibytes) * 16):
            yield chunk
        yield b"0\r\n\r\n"

    sent = send_until_answered(sock, parts())
    return reply_summary(sock, sent)


def headers(host, port, count):
    sock = connect(host, port)
    count = int(count)

    def parts():
        yield b"GET /health HTTP/1.1\r\nHost: x\r\n"
        batch = 50000
        for start in range(0, count, batch):
            yield b"".join(b"X-Filler-%d: v\r\n" % i for i in range(start, min(count, start + batch)))
        yield b"\r\n"

    sent = send_until_answered(sock, parts())
    return reply_summary(sock, sent)


def big_header(host, port, size):
    sock = connect(host, port)
    parts = [b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * int(size) + b"\r\n\r\n"]
    sent = send_until_answered(sock, parts)
    return reply_summary(sock, sent)


def still_open(sock):
    """True while the server has neither answered nor closed the connection."""
    return not answered(sock)


def slow(host, port, count, wait_closed):
    partials = []
    for i in range(int(count)):
        sock = connect(host, port)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow-%d: " % i)
        partials.append(sock)
    stop = threading.Event()

    def trickle():  # one more byte per connection and second, never the end of the head
        while not stop.wait(1.0):
            for sock in partials:
                try:
                    sock.send(b"z")
                except OSError:
                    pass

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    out = {"partials": len(partials)}
    out["open_before_health"] = sum(still_open(s) for s in partials)
    probe = connect(host, port)
    probe.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        reply = Replies(probe).next()
        out["health"] = reply["status"] if reply else None
    except socket.timeout:
        out["health"] = "no answer within %ds" % PATIENCE_S
    out["open_after_health"] = sum(still_open(s) for s in partials)
    if wait_closed:
        deadline = time.monotonic() + PATIENCE_S
        while time.monotonic() < deadline and any(still_open(s) for s in partials):
            time.sleep(0.2)
        out["closed_by_server"] = sum(not still_open(s) for s in partials)
        statuses = set()
        for sock in partials:
            if not still_open(sock):
                try:
                    reply = Replies(sock).next()
                except OSError:
                    reply = None
                statuses.add(reply["status"] if reply else "closed")
        out["endings"] = sorted(str(s) for s in statuses)
    stop.set()
    trickler.join()
    for sock in partials:
        sock.close()
    return out


def pipeline(host, port, *requests):
    raw = b""
    methods = []
    for request in requests:
        fields = request.split(" ")
        method, path = fields[0], fields[1]
        methods.append(method)
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: x"]
        if len(fields) > 2:
            lines.append("Authorization: Bearer " + fields[2])
        raw += ("\r\n".join(lines) + "\r\n\r\n").encode()
    sock = connect(host, port)
    sock.sendall(raw)
    replies = Replies(sock)
    out = {"statuses": [], "bodies": []}
    for method in methods:
        reply = replies.next(head_only=method == "HEAD")
        if reply is None:
            break
        out["statuses"].append(reply["status"])
        out["bodies"].append(reply["body"])
    return out


def main(argv):
    commands = {"chunked": chunked, "headers": headers, "big-header": big_header,
                "pipeline": pipeline}
    if len(argv) >= 4 and argv[0] == "slow":
        result = slow(argv[1], argv[2], argv[3], "--wait-closed" in argv[4:])
    elif len(argv) >= 3 and argv[0] in commands:
        result = commands[argv[0]](*argv[1:])
    else:
        sys.stderr.write(__doc__)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
