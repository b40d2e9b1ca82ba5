"""A loopback OCI registry for tests: Debian's `docker-registry` (the CNCF distribution registry, 2.8),
the server Helm pushes charts to and installs them from, run as it is configured in production.

    oci-registry --dir DIR [--user USER --password-file FILE]   # prints "READY 127.0.0.1:PORT"

Storage is DIR/data. With a user, the registry requires HTTP basic auth against DIR/htpasswd
(distribution's htpasswd access controller takes bcrypt entries only; written here with the system's
crypt(3), libxcrypt's `$2b$`). The registry binds 127.0.0.1:0 and logs the address it got ("listening on
ADDR", registry/registry.go ListenAndServe); that line is read, printed as READY, and the registry is left
running until SIGTERM, which is passed on: with `http.draintimeout` set the registry shuts down gracefully on it
and exits 0 (registry/registry.go ListenAndServe); without, Go's default would end it by the signal."""
import argparse
import os
import re
import signal
import subprocess
import sys
import time


def bcrypt(password):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        import crypt  # deprecated in 3.11, gone in 3.13; the system's libxcrypt does bcrypt
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


def die_with_parent():
    """The registry gets SIGKILL when this process dies, however it dies (a test SIGKILLs it)."""
    import ctypes
    ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def main():
    parser = argparse.ArgumentParser(prog='oci-registry')
    parser.add_argument('--dir', required=True)
    parser.add_argument('--user')
    parser.add_argument('--password-file')
    args = parser.parse_args()
    os.makedirs(os.path.join(args.dir, 'data'), exist_ok=True)
    config = ['version: 0.1', 'log:', '  level: info', '  accesslog:', '    disabled: false', 'storage:',
              '  filesystem:', f'    rootdirectory: {os.path.join(args.dir, "data")}', '  delete:', '    enabled: true',
              'http:', '  addr: 127.0.0.1:0', '  draintimeout: 5s']
    if args.user:
        password = open(args.password_file).read().strip()
        htpasswd = os.path.join(args.dir, 'htpasswd')
        with open(htpasswd, 'w') as f:
            f.write(f'{args.user}:{bcrypt(password)}\n')
        config += ['auth:', '  htpasswd:', '    realm: testbed', f'    path: {htpasswd}']
    path = os.path.join(args.dir, 'config.yml')
    with open(path, 'w') as f:
        f.write('\n'.join(config) + '\n')
    log = open(os.path.join(args.dir, 'registry.log'), 'w+')
    registry = subprocess.Popen(['docker-registry', 'serve', path], stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)
    signal.signal(signal.SIGTERM, lambda *_: registry.send_signal(signal.SIGTERM))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and registry.poll() is None:
        log.seek(0)
        found = re.search(r'listening on (127\.0\.0\.1:\d+)', log.read())
        if found:
            print(f'READY {found.group(1)}', flush=True)
            sys.exit(registry.wait())
        time.sleep(0.05)
    registry.kill()
    log.seek(0)
    sys.exit(f'oci-registry: docker-registry did not start: {log.read()[-2000:]}')


if __name__ == '__main__':
    main()
