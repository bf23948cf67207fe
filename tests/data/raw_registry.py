#!/usr/bin/env python3
"""A hostile stand-in registry for tests: logs every byte it receives, raw, and answers like a
registry that has nothing yet. POST of an upload answers 202 with the Location given, so a test
can hand the client a target of its choosing.

  raw_registry.py LOG [LOCATION] [ADDRESS]   prints its port, then serves (ADDRESS 127.0.0.1)
"""
import socket
import sys
import threading


def answer(request_line, location):
    method, _, rest = request_line.partition(" ")
    target = rest.rsplit(" ", 1)[0]
    if target == "/v2/":
        return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    if method == "POST" and target.endswith("/blobs/uploads/"):
        return ("HTTP/1.1 202 Accepted\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % location).encode()
    return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def serve(connection, log, lock, location):
    with connection:
        connection.settimeout(10)
        pending = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            with lock:
                log.write(chunk)
                log.flush()
            pending += chunk
            while b"\r\n\r\n" in pending:
                head, pending = pending.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip() or b"0")
                pending = pending[length:]  # bodies are logged, not kept
                connection.sendall(answer(head.split(b"\r\n")[0].decode("latin-1"), location))


def main():
    log = open(sys.argv[1], "ab")
    location = sys.argv[2] if len(sys.argv) > 2 else "/v2/upload/1"
    address = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, 0 if len(sys.argv) <= 4 else int(sys.argv[4])))
    server.listen(16)
    print(server.getsockname()[1], flush=True)
    lock = threading.Lock()
    server.settimeout(120)  # bounded: a test that forgets it does not leave it running for long
    while True:
        try:
            connection, _ = server.accept()
        except socket.timeout:
            return
        threading.Thread(target=serve, args=(connection, log, lock, location), daemon=True).start()


if __name__ == "__main__":
    main()
