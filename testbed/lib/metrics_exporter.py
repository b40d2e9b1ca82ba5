"""A loopback stand-in for the applications a rollout's analysis watches: it exposes, in
Prometheus's text format, one `app_error_ratio` gauge per emulated cluster, labelled
`cluster="NAME"`, for a Prometheus server to scrape; a test or a person sets a cluster's value.

    metrics-exporter --clusters c0,c1,c2 [--value 0.01]   # prints "READY http://127.0.0.1:PORT"
    GET  /metrics                         the gauges (text exposition format 0.0.4)
    PUT  /clusters/NAME?value=0.2         sets one cluster's error ratio (NAME '*': every cluster)

It stands for the workload, not for Prometheus: the real server (Debian's) scrapes it."""
import argparse
import http.server
import sys
import threading
import urllib.parse

from loopback_server import serve


def make_handler(values, lock):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, *args):
            pass

        def _answer(self, status, body, content_type='text/plain; charset=utf-8'):
            data = body.encode()
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if urllib.parse.urlsplit(self.path).path != '/metrics':
                return self._answer(404, 'not found\n')
            with lock:
                lines = ['# HELP app_error_ratio The share of requests that failed.', '# TYPE app_error_ratio gauge']
                lines += [f'app_error_ratio{{cluster="{name}"}} {value}' for name, value in sorted(values.items())]
            self._answer(200, '\n'.join(lines) + '\n', 'text/plain; version=0.0.4; charset=utf-8')

        def do_PUT(self):
            parts = urllib.parse.urlsplit(self.path)
            name = urllib.parse.unquote(parts.path.removeprefix('/clusters/'))
            query = urllib.parse.parse_qs(parts.query)
            length = int(self.headers.get('Content-Length') or 0)
            if length:
                self.rfile.read(length)
            try:
                value = float(query['value'][0])
            except (KeyError, ValueError):
                return self._answer(400, 'give ?value=NUMBER\n')
            with lock:
                names = list(values) if name == '*' else [name]
                if not parts.path.startswith('/clusters/') or any(n not in values for n in names):
                    return self._answer(404, f'no cluster {name}\n')
                for n in names:
                    values[n] = value
            self._answer(200, 'ok\n')

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clusters', required=True, help='comma-separated cluster names')
    parser.add_argument('--value', type=float, default=0.0, help="every cluster's first error ratio")
    parser.add_argument('--port', type=int, default=0)
    args = parser.parse_args()
    values = {name: args.value for name in args.clusters.split(',') if name}
    return serve(make_handler(values, threading.Lock()), args.port)


if __name__ == '__main__':
    sys.exit(main())
