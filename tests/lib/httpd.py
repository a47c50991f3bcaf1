#!/usr/bin/env python3
"""A loopback HTTP server for the builder tests (Python standard library only).

    httpd.py --port-file FILE [--tls PEM] DIR

Binds 127.0.0.1 on a free port, writes the port number to FILE (atomically, so a
reader never sees half of it), and serves DIR, over TLS with the key and certificate
in PEM when --tls is given.  Special paths for failure cases:

    /redirect/N/FILE   a chain of N 302 redirects ending at /FILE
    /goto?url=URL      one 302 redirect to URL (e.g. a file:// URL that must be refused)
    /status/CODE       an empty response with that status
    /stall             headers promising a body, then silence until the client leaves
    /cut/FILE          headers for all of FILE, then half of it, then the connection closes
"""

import argparse
import http.server
import os
import socketserver
import ssl
import sys
import urllib.parse


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("httpd: " + (format % args) + "\n")

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.split("/")
        if len(parts) >= 4 and parts[1] == "redirect" and parts[2].isdigit():
            n, rest = int(parts[2]), "/".join(parts[3:])
            self.redirect(f"/redirect/{n - 1}/{rest}" if n > 1 else f"/{rest}")
        elif url.path == "/goto":
            self.redirect(urllib.parse.parse_qs(url.query)["url"][0])
        elif len(parts) == 3 and parts[1] == "status" and parts[2].isdigit():
            self.send_response(int(parts[2]))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "1048576")
            self.end_headers()
            self.wfile.flush()
            # Wait for the client to give up; the test kills the server afterwards.
            while self.connection.recv(1) != b"":
                pass
        elif len(parts) >= 3 and parts[1] == "cut":
            self.send_cut("/".join(parts[2:]))
        else:
            super().do_GET()

    def send_cut(self, name):
        path = self.translate_path("/" + name)
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--tls", metavar="PEM")
    parser.add_argument("directory")
    args = parser.parse_args()

    def handler(*a, **kw):
        return Handler(*a, directory=args.directory, **kw)

    server = Server(("127.0.0.1", 0), handler)
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(temporary, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
