#!/usr/bin/env python3
"""A console-socket receiver, as conmon and the containerd shim are: listen on a
unix socket, take one pty master fd sent with SCM_RIGHTS, write INPUT to it and copy
what the container prints to OUTPUT until the pty closes."""
import array
import os
import socket
import sys

path, output, text = sys.argv[1], sys.argv[2], sys.argv[3].encode()
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
open(path + ".ready", "w").close()
conn, _ = server.accept()
fds = array.array("i")
msg, ancdata, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in ancdata:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: fds.itemsize])
master = fds[0]
os.write(master, text)
with open(output, "wb") as out:
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every slave is closed
            break
        if not chunk:
            break
        out.write(chunk)
        out.flush()
