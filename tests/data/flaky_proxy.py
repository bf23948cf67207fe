#!/usr/bin/env python3
"""A plain-HTTP reverse proxy in front of a test registry that answers the first FAILURES
blob-upload PATCH requests with 503 (after reading their bodies), as a registry under load
does, and answers uploads under /v2/MISSING/ with 404 NAME_UNKNOWN, as Quay does when the
organization does not exist; every request is logged as "METHOD PATH STATUS" to LOG. With
CORRUPT (FILE:OFFSET) it flips that byte of FILE as it sends the first 503, so what a client
reads again to retry differs from what it read before. With MANIFEST_FAILURES=N in the
environment the first N manifest requests are answered with 500, as a registry still
finishing an interrupted push does. With EARLY_FAILURE=1 the 503 goes out before the body is
read and the connection is closed, as a registry that gives up on an upload mid-stream does:
the client learns it while still sending (EARLY_STATUS=N answers N instead, e.g. a 202 that
claims success for a body never received). With FAIL_MIN_BYTES=N only PATCH requests of at
least N bytes fail (big layers, not configs). Prints its port, then serves.

usage: flaky_proxy.py BACKEND_PORT FAILURES LOG [MISSING [CORRUPT]]
"""
import http.client
import http.server
import os
import sys
import threading

backend_port, failures_left, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
missing = sys.argv[4] if len(sys.argv) > 4 else None
corrupt = sys.argv[5] if len(sys.argv) > 5 else None
manifest_failures_left = int(os.environ.get("MANIFEST_FAILURES", "0"))
early_failure = os.environ.get("EARLY_FAILURE") == "1"
early_status = int(os.environ.get("EARLY_STATUS", "503"))
fail_min_bytes = int(os.environ.get("FAIL_MIN_BYTES", "0"))
lock = threading.Lock()  # requests arrive on several threads
UNAVAILABLE = b'{"errors":[{"code":"UNAVAILABLE","message":"try again"}]}'


def flip_byte(spec):
    path, offset = spec.rsplit(":", 1)
    with open(path, "r+b") as target:
        target.seek(int(offset))
        byte = target.read(1)
        target.seek(int(offset))
        target.write(bytes([byte[0] ^ 0xFF]))


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        global manifest_failures_left
        if early_failure and self.command == "PATCH" and self.take_failure():
            self.close_connection = True  # the body is left unread
            self.answer(early_status, {"Content-Type": "application/json"},
                        UNAVAILABLE)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if missing and self.command == "POST" and self.path.startswith(f"/v2/{missing}/"):
            self.answer(404, {"Content-Type": "application/json"},
                        b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')
            return
        with lock:
            is_manifest_failing = "/manifests/" in self.path and manifest_failures_left > 0
            if is_manifest_failing:
                manifest_failures_left -= 1
        is_failing = self.command == "PATCH" and self.take_failure()
        if is_manifest_failing:
            self.answer(500, {"Content-Type": "application/json"},
                        b'{"errors":[{"code":"UNKNOWN","message":"unknown error"}]}')
            return
        if is_failing:
            self.answer(503, {"Content-Type": "application/json"},
                        UNAVAILABLE)
            return
        upstream = http.client.HTTPConnection("127.0.0.1", backend_port)
        headers = {name: value for name, value in self.headers.items()}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        self.answer(response.status, dict(response.getheaders()), data)

    def take_failure(self):
        global failures_left, corrupt
        if int(self.headers.get("Content-Length") or 0) < fail_min_bytes:
            return False
        with lock:
            if failures_left <= 0:
                return False
            failures_left -= 1
            if corrupt:
                flip_byte(corrupt)
                corrupt = None
            return True

    def answer(self, status, headers, data):
        with open(log_path, "a") as log:
            log.write(f"{self.command} {self.path.split('?')[0]} {status}\n")
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PATCH = do_PUT = do_DELETE = relay


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
