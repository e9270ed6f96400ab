#!/usr/bin/env python3
"""A CPython 3 peer for the many-connections check: accepts every connection on loopback,
keeps it open, and echoes what it receives. Prints its port, then runs until stdin closes or
60 seconds pass."""
import selectors
import socket
import sys
import time

sel = selectors.DefaultSelector()
listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(4096)
listener.setblocking(False)
sel.register(listener, selectors.EVENT_READ)
sel.register(sys.stdin, selectors.EVENT_READ)
print(listener.getsockname()[1], flush=True)
deadline = time.time() + 60
while time.time() < deadline:
    for key, _ in sel.select(1.0):
        if key.fileobj is listener:
            while True:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    break
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
        elif key.fileobj is sys.stdin:
            if not sys.stdin.readline():
                sys.exit(0)
        else:
            try:
                data = key.fileobj.recv(4096)
            except ConnectionError:
                data = b''
            if data:
                key.fileobj.send(data)
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()
