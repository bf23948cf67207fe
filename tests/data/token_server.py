#!/usr/bin/env python3
"""A Docker token service for a test registry (distribution's `auth: token`), over HTTPS: GET
/token?service=S&scope=repository:NAME:ACTIONS... with basic auth USER:PASSWORD answers a JWT
(RS256, signed by `openssl dgst`, the signing certificate in x5c) granting the scopes asked;
wrong credentials get 401. Each request is logged as "STATUS SCOPE..." to LOG. Prints its
port, then serves.

usage: token_server.py TLS_CERT TLS_KEY SIGN_KEY SIGN_CERT ISSUER SERVICE USER:PASSWORD LOG
"""
import base64
import http.server
import json
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid

tls_cert, tls_key, sign_key, sign_cert, issuer, service, user_password, log_path = sys.argv[1:9]
expected = "Basic " + base64.b64encode(user_password.encode()).decode()
pem = open(sign_cert).read()
der = base64.b64decode("".join(pem.split("-----")[2].split()))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_for(scopes):
    access = []
    for scope in scopes:
        kind, name, actions = scope.split(":")[0], ":".join(scope.split(":")[1:-1]), scope.split(":")[-1]
        access.append({"type": kind, "name": name, "actions": actions.split(",")})
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    claims = {"iss": issuer, "sub": user_password.split(":")[0], "aud": service, "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", sign_key],
                               input=signing_input.encode(), capture_output=True, check=True).stdout
    return f"{signing_input}.{b64url(signature)}"


class TokenService(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        scopes = query.get("scope", [])
        if self.headers.get("Authorization") != expected or query.get("service") != [service]:
            status, body = 401, b'{"details":"bad credentials"}'
        else:
            status, body = 200, json.dumps({"token": token_for(scopes), "expires_in": 300}).encode()
        with open(log_path, "a") as log:
            log.write(f"{status} {' '.join(scopes)}\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TokenService)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(tls_cert, tls_key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
