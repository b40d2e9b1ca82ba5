"""A loopback Git server for tests: git's own `git http-backend` (smart HTTP) behind a small HTTP
server that requires `Authorization: Bearer TOKEN`, as a Git host with deploy tokens does.

    git-http-server --root DIR --token-file FILE   # serves DIR/*.git; prints "READY http://127.0.0.1:PORT"

The CGI variables are those git-http-backend(1) documents (GIT_PROJECT_ROOT, GIT_HTTP_EXPORT_ALL,
PATH_INFO, QUERY_STRING, REQUEST_METHOD, CONTENT_TYPE, GIT_PROTOCOL)."""
import argparse
import http.server
import os
import subprocess
import sys

from loopback_server import serve


def make_handler(root, token):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):
            pass

        def _refuse(self):
            body = b'a token is required\n'
            self.send_response(401)
            self.send_header('WWW-Authenticate', 'Bearer realm="git"')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _serve(self):
            if self.headers.get('Authorization') != f'Bearer {token}':
                return self._refuse()
            path, _, query = self.path.partition('?')
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            env = {
                'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'GIT_PROJECT_ROOT': root, 'GIT_HTTP_EXPORT_ALL': '1',
                'PATH_INFO': path, 'QUERY_STRING': query, 'REQUEST_METHOD': self.command,
                'CONTENT_TYPE': self.headers.get('Content-Type', ''), 'CONTENT_LENGTH': str(len(body)),
                'REMOTE_ADDR': self.client_address[0], 'GIT_PROTOCOL': self.headers.get('Git-Protocol', ''),
                'HTTP_CONTENT_ENCODING': self.headers.get('Content-Encoding', ''),
            }
            done = subprocess.run(['git', 'http-backend'], input=body, env=env, capture_output=True)
            head, _, payload = done.stdout.partition(b'\r\n\r\n')
            status = 200
            headers = []
            for line in head.split(b'\r\n'):
                name, _, value = line.decode('latin-1').partition(':')
                if name.lower() == 'status':
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header('Content-Length', str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

    return Handler


def main():
    ap = argparse.ArgumentParser(prog='git-http-server', description=__doc__.splitlines()[0])
    ap.add_argument('--root', required=True, help='the directory whose bare repositories are served')
    ap.add_argument('--token-file', required=True, help='the token every request must bring')
    ap.add_argument('--port', type=int, default=0)
    args = ap.parse_args()
    with open(args.token_file) as f:
        token = f.read().strip()
    return serve(make_handler(os.path.abspath(args.root), token), args.port)


if __name__ == '__main__':
    sys.exit(main())
