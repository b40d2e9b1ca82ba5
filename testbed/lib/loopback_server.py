"""How the testbed's small HTTP servers serve: on loopback, announcing their address as
`READY http://127.0.0.1:PORT` on stdout (what the tests wait for), until interrupted."""
import http.server


def serve(handler, port=0):
    server = http.server.ThreadingHTTPServer(('127.0.0.1', port), handler)
    print(f'READY http://127.0.0.1:{server.server_address[1]}', flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
