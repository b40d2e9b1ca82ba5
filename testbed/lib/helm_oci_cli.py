"""
The shim's chart-distribution commands, on PyPI helm-python-sdk 0.2.2 (libhelm_c over Helm's Go SDK
v4.2.3): `registry login|logout`, `push`, `pull`, `package [--sign]` and `verify`. helm_cli.py imports this
module only for these commands (one Go library per process).

Output and errors follow Helm's CLI (github.com/helm/helm v3.13+ and v4 alike for these flags):
- `registry login HOST`: "Login Succeeded" (pkg/registry/client.go Login); the credentials go to the
  registry config (`--registry-config`, default $HELM_CONFIG_HOME/registry/config.json), which `pull` and
  `push` then read.
- `push CHART.tgz oci://HOST/PATH`: "Pushed: HOST/PATH/NAME:VERSION" and "Digest: sha256:..." (the manifest
  digest; pkg/registry/client.go Push).
- `pull oci://HOST/PATH/NAME --version V`: "Pulled: HOST/PATH/NAME:V" and "Digest: sha256:..." (the manifest
  digest; pkg/registry/client.go Pull), the archive saved as NAME-V.tgz in --destination; with --verify the
  archive's .prov is fetched too and checked against --keyring first (pkg/action/pull.go: "Signed by:",
  "Using Key With Fingerprint:", "Chart Hash Verified:"), and a chart without one fails; with --prov the .prov
  is fetched when there is one and not checked (VerifyLater), a missing one a WARNING line.
- `pull REPO/CHART --version V`: the archive the repository's cached index names, silently (see
  pull_from_repository for its provenance).
- `package DIR`: "Successfully packaged chart and saved it to: PATH" (pkg/cmd/package.go); --sign writes
  PATH.prov with --key from --keyring (pkg/action/package.go Clearsign).
- `verify PATH --keyring FILE`: the three lines of pkg/action/verify.go.
The key fingerprint Helm prints is the signer's primary key's, upper-case hex: read here from the keyring
with gpg (the SDK's verify names the signer, not the key).
"""
import base64
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

from helm_cli import CliError, index_entry


def _sdk():
    import helm_python  # deferred: loads the Go library (one per process)
    import helm_python.chart
    import helm_python.registry
    return helm_python


def _error(e):
    return str(e).strip() or type(e).__name__


def registry_config(args):
    config_home = os.environ.get('HELM_CONFIG_HOME') or os.path.expanduser('~/.config/helm')
    return args.registry_config or os.environ.get('HELM_REGISTRY_CONFIG') or os.path.join(config_home, 'registry', 'config.json')


def _client(args):
    """A registry client reading the stored logins; with --username/--password, one whose credentials
    are those alone (Helm's ClientOptBasicAuth), kept in a file of its own that goes with the process."""
    hp = _sdk()
    path = registry_config(args)
    plain_http = bool(getattr(args, 'plain_http', False))
    if args.cmd != 'registry' and getattr(args, 'username', None) and getattr(args, 'password', None) is not None:
        path = os.path.join(tempfile.mkdtemp(prefix='helm-registry-'), 'config.json')
        client = hp.registry.RegistryClient(plain_http=plain_http, credentials_file=path)
        host = _reference(args.chart if args.cmd in ('pull', 'fetch') else args.remote).split('/', 1)[0]
        client.login(host, args.username, args.password, plain_http=plain_http)
        return client
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return hp.registry.RegistryClient(plain_http=plain_http, credentials_file=path)


def _reference(ref):
    """oci://HOST/PATH/NAME[:TAG] as Helm prints it: without the scheme."""
    return ref.removeprefix('oci://')


def cmd_registry(args):
    client = _client(args)
    if args.registry_cmd == 'logout':
        try:
            client.logout(args.host)
        except Exception as e:  # noqa: BLE001
            raise CliError(_error(e))
        print(f'Removing login credentials for {args.host}')
        return
    password = args.password
    if args.password_stdin:
        password = sys.stdin.read().rstrip('\r\n')
    if not args.username or password is None:
        raise CliError('username and password are required')
    try:
        client.login(args.host, args.username, password, insecure=args.insecure, plain_http=args.plain_http)
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    print('Login Succeeded')


def cmd_push(args):
    hp = _sdk()
    if not args.remote.startswith('oci://'):
        raise CliError(f'scheme prefix missing from remote (e.g. "oci://"): {args.remote}')
    client = _client(args)
    try:
        meta = hp.Chart.load(args.chart).metadata
        hp.registry.push(args.chart, args.remote, client=client, plain_http=args.plain_http)
        ref = f"{_reference(args.remote).rstrip('/')}/{meta['name']}:{meta['version']}"
        digest = client.resolve(f'oci://{ref}')['digest']
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    print(f'Pushed: {ref}')
    print(f'Digest: {digest}')


def cmd_pull(args):
    if not args.chart.startswith('oci://'):
        return pull_from_repository(args)
    hp = _sdk()
    client = _client(args)
    name = args.chart.rstrip('/').rsplit('/', 1)[-1]
    destination = args.destination or '.'
    try:
        version = args.version or client.tags(args.chart)[0]
        ref = f'{_reference(args.chart)}:{version}'
        digest = client.resolve(f'oci://{ref}')['digest']
        lines = [f'Pulled: {ref}\n', f'Digest: {digest}\n']
        os.makedirs(destination, exist_ok=True)
        archive = os.path.join(destination, f'{name}-{version}.tgz')
        with tempfile.TemporaryDirectory() as scratch:
            hp.registry.pull(args.chart, client=client, version=version, destination=scratch, plain_http=args.plain_http)
            os.replace(os.path.join(scratch, f'{name}-{version}.tgz'), archive)
        if args.verify or args.prov:
            # pkg/downloader/chart_downloader.go DownloadTo: the archive is saved first; the .prov is a second
            # pull of the same reference (ocigetter: PullOptWithProv), printing its own Pulled/Digest lines;
            # then (--verify, VerifyAlways) the archive is verified against it. --prov (VerifyLater) only
            # fetches it, and a chart without one is a warning in the command's output, not an error.
            sys.stdout.write(''.join(lines))
            lines = []
            try:
                signature = provenance(args, ref)
            except CliError:
                if args.verify:
                    raise
                lines.append(f'WARNING: Verification not found for {args.chart}: manifest does not contain a layer with '
                             'mediatype application/vnd.cncf.helm.chart.provenance.v1.prov\n')
                signature = None
            if signature is not None:
                with open(archive + '.prov', 'wb') as f:
                    f.write(signature)
                sys.stdout.write(f'Pulled: {ref}\nDigest: {digest}\n')
                if args.verify:
                    lines.append(verify(archive, args.keyring))
    except CliError:
        raise
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    sys.stdout.write(''.join(lines))


def pull_from_repository(args):
    """`pull REPO/CHART [--version V]`: the archive the repository's cached index names, saved under the
    URL's base name (chart_downloader.go DownloadTo), silently: only OCI pulls print Pulled/Digest. The
    .prov is that URL + ".prov"; a missing one fails --verify (`failed to fetch provenance "URL.prov"`)
    and is a WARNING with the HTTP getter's error for --prov (httpgetter.go: "failed to fetch URL : 404
    Not Found"). A chart the testbed keeps unpacked is served as a fixed archive of its directory
    (`served_archive`), as a repository serves one file per version however often it is fetched."""
    if re.match(r'^[a-z][a-z0-9+.-]*://', args.chart) or '/' not in args.chart or os.path.exists(args.chart):
        raise CliError(f'the testbed pulls only oci:// references and REPO/CHART from added repositories, not {args.chart}')
    repo, cv, location = index_entry(args.chart, args.version or '')
    name = os.path.basename(location) if not os.path.isdir(location) else f"{cv['name']}-{cv['version']}.tgz"
    url = f"{repo['url'].rstrip('/')}/{name}"
    destination = args.destination or '.'
    os.makedirs(destination, exist_ok=True)
    archive = os.path.join(destination, name)
    data = served_archive(location, cv['name']) if os.path.isdir(location) else open(location, 'rb').read()
    with open(archive, 'wb') as f:
        f.write(data)
    if not (args.verify or args.prov):
        return
    if not os.path.isfile(location + '.prov'):
        if args.verify:
            raise CliError(f'failed to fetch provenance "{url}.prov"')
        print(f'WARNING: Verification not found for {args.chart}: failed to fetch {url}.prov : 404 Not Found')
        return
    shutil.copyfile(location + '.prov', archive + '.prov')
    if args.verify:
        sys.stdout.write(verify(archive, args.keyring))


def served_archive(directory, name):
    """A chart directory as one fixed .tgz: the files under NAME/ in sorted order with zeroed times and
    owners (gzip's header time too), so every pull of it has the same bytes and the same sha256. Hidden
    files under templates/ are left out, as Helm's loader leaves them (pkg/ignore: templates/.?*)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode='wb', mtime=0) as zipped, tarfile.open(fileobj=zipped, mode='w') as tar:
        for root, folders, files in os.walk(directory):
            folders.sort()
            for file in sorted(files):
                path = os.path.join(root, file)
                relative = os.path.relpath(path, directory)
                if relative.startswith('templates/') and file.startswith('.'):
                    continue
                with open(path, 'rb') as f:
                    body = f.read()
                info = tarfile.TarInfo(f'{name}/{relative}')
                info.size, info.mode, info.mtime = len(body), 0o644, 0
                tar.addfile(info, io.BytesIO(body))
    return buffer.getvalue()


def provenance(args, ref):
    """The chart's provenance layer (application/vnd.cncf.helm.chart.provenance.v1.prov) from the registry's
    manifest, fetched over the distribution API as Helm's registry client does, with the call's credentials
    or the stored login; Helm's error when the manifest has none."""
    host, _, rest = ref.partition('/')
    repository, _, tag = rest.rpartition(':')
    base = f"{'http' if args.plain_http else 'https'}://{host}/v2/{repository}"
    headers = {}
    if getattr(args, 'username', None) and args.password is not None:
        headers['Authorization'] = 'Basic ' + base64.b64encode(f'{args.username}:{args.password}'.encode()).decode()
    else:
        try:
            with open(registry_config(args)) as f:
                stored = ((json.load(f).get('auths') or {}).get(host) or {}).get('auth')
        except (OSError, ValueError):
            stored = None
        if stored:
            headers['Authorization'] = f'Basic {stored}'

    def get(path, accept):
        request = urllib.request.Request(base + path, headers=dict(headers, Accept=accept))
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()

    manifest = json.loads(get(f'/manifests/{tag}', 'application/vnd.oci.image.manifest.v1+json'))
    layer = next((layer for layer in manifest.get('layers') or []
                  if layer.get('mediaType') == 'application/vnd.cncf.helm.chart.provenance.v1.prov'), None)
    if layer is None:
        raise CliError(f'failed to fetch provenance "oci://{ref}.prov"')
    return get(f"/blobs/{layer['digest']}", 'application/octet-stream')


def cmd_package(args):
    hp = _sdk()
    try:
        path = hp.chart.package(args.path, destination=args.destination or '.', version=args.version,
                                app_version=args.app_version)
        if args.sign:
            if not args.key or not args.keyring:
                raise CliError('--key and --keyring are required with --sign')
            hp.chart.sign(path, key=args.key, keyring=args.keyring, passphrase_file=args.passphrase_file)
    except CliError:
        raise
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    print(f'Successfully packaged chart and saved it to: {path}')


def cmd_verify(args):
    sys.stdout.write(verify(args.path, args.keyring))


def verify(archive, keyring):
    """pkg/action/verify.go's report of a chart checked against its .prov, or Helm's error."""
    hp = _sdk()
    keyring = keyring or os.path.expanduser('~/.gnupg/pubring.gpg')
    if not os.path.exists(archive + '.prov'):
        raise CliError(f'could not load provenance file {archive}.prov: stat {archive}.prov: no such file or directory')
    try:
        result = hp.chart.verify(archive, keyring)
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    lines = [f'Signed by: {name}\n' for name in result.get('signed_by') or []]
    lines.append(f'Using Key With Fingerprint: {fingerprint(keyring, result.get("signed_by") or [])}\n')
    lines.append(f'Chart Hash Verified: {result.get("file_hash")}\n')
    return ''.join(lines)


def fingerprint(keyring, identities):
    """The primary key fingerprint of the first key in `keyring` with one of `identities`."""
    listing = subprocess.run(['gpg', '--no-default-keyring', '--keyring', os.path.abspath(keyring), '--with-colons',
                              '--fingerprint', '--list-keys'], capture_output=True, text=True,
                             env=dict(os.environ, GNUPGHOME=tempfile.mkdtemp(prefix='helm-verify-')))
    current, first = None, None
    for line in listing.stdout.splitlines():
        fields = line.split(':')
        if fields[0] == 'pub':
            current = None
        elif fields[0] == 'fpr' and current is None:
            current = fields[9]
            first = first or current
        elif fields[0] == 'uid' and current and fields[9] in identities:
            return current
    return first or ''


def add_parsers(sub, common):
    """The sub-commands above, with the flags real helm 3.13+ and 4.x share for them."""
    def registry_flags(p, credentials=True):
        p.add_argument('--registry-config')
        p.add_argument('--plain-http', action='store_true')
        if credentials:  # basic auth for this call alone, beside a stored login (pkg/cmd/flags.go)
            p.add_argument('--username')
            p.add_argument('--password')

    registry = sub.add_parser('registry', parents=[common])
    registry_sub = registry.add_subparsers(dest='registry_cmd', required=True)
    login = registry_sub.add_parser('login', parents=[common])
    login.add_argument('host')
    login.add_argument('-u', '--username')
    login.add_argument('-p', '--password')
    login.add_argument('--password-stdin', action='store_true')
    login.add_argument('--insecure', action='store_true')
    registry_flags(login, credentials=False)
    logout = registry_sub.add_parser('logout', parents=[common])
    logout.add_argument('host')
    registry_flags(logout, credentials=False)

    push = sub.add_parser('push', parents=[common])
    push.add_argument('chart')
    push.add_argument('remote')
    registry_flags(push)

    pull = sub.add_parser('pull', aliases=['fetch'], parents=[common])
    pull.add_argument('chart')
    pull.add_argument('--version')
    pull.add_argument('-d', '--destination')
    pull.add_argument('--verify', action='store_true')
    pull.add_argument('--prov', action='store_true')
    pull.add_argument('--keyring')
    registry_flags(pull)

    package = sub.add_parser('package', parents=[common])
    package.add_argument('path')
    package.add_argument('-d', '--destination')
    package.add_argument('--version')
    package.add_argument('--app-version')
    package.add_argument('--sign', action='store_true')
    package.add_argument('--key')
    package.add_argument('--keyring')
    package.add_argument('--passphrase-file')

    verify_parser = sub.add_parser('verify', parents=[common])
    verify_parser.add_argument('path')
    verify_parser.add_argument('--keyring')


COMMANDS = {'registry': cmd_registry, 'push': cmd_push, 'pull': cmd_pull, 'fetch': cmd_pull, 'package': cmd_package,
            'verify': cmd_verify}

if __name__ == '__main__':
    print(json.dumps(sorted(COMMANDS)))
