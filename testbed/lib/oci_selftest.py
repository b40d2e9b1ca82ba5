"""Charts in an OCI registry through the shim, against Debian's docker-registry (testbed/oci-registry).

run(t) takes the SelfTest of selftest.py; standalone: `TESTBED_HOME=... python3 testbed/lib/oci_selftest.py`.
Needs `docker-registry` (Debian) and `gpg`; without them the checks are reported failed, naming what is missing.

Upstream behaviour checked (github.com/helm/helm, see helm_oci_cli.py for the files):
  * a registry with basic auth: push without a login is refused; `registry login` with a wrong password fails
    with the registry's 401, with the right one prints "Login Succeeded" and stores the login that `push` and
    `pull` then use; `registry logout` prints "Removing login credentials for HOST" and the next pull is refused;
  * `push` prints "Pushed: HOST/PATH/NAME:VERSION" and "Digest:" the manifest digest, which is the one the
    registry serves for that tag (its Docker-Content-Digest); `pull` prints the same two lines and saves the
    archive byte for byte as pushed; an unknown chart is "not found";
  * `package --sign` writes NAME-VERSION.tgz.prov; `verify` prints the signer, the key's fingerprint (gpg's) and
    the archive's sha256; `push` sends the .prov as a layer of its own and `pull --verify` fetches and checks
    it; a chart without one fails to fetch its provenance; `pull --prov` fetches it unchecked, a missing one a
    WARNING; an archive that is not the one signed fails verification ("sha256 sum does not match");
  * `pull REPO/CHART` (run_repository) saves what the repository serves silently, under the URL's base name,
    and a missing .prov is the HTTP getter's 404 (pkg/downloader/chart_downloader.go, pkg/getter/httpgetter.go).
"""
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selftest  # noqa: E402

CHART = os.path.join(selftest.CHARTS, 'fluent-bit-0.40.0')


def start_registry(t, name, user=None, password=None):
    directory = os.path.join(t.tmp, name)
    os.makedirs(directory, exist_ok=True)
    flags = []
    if user:
        with open(os.path.join(directory, 'password'), 'w') as f:
            f.write(password)
        flags = ['--user', user, '--password-file', os.path.join(directory, 'password')]
    proc = subprocess.Popen([os.path.join(selftest.ROOT, 'oci-registry'), '--dir', directory, *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t.procs.append(proc)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline().strip() if ready else ''
    if not line.startswith('READY 127.0.0.1:'):
        raise RuntimeError(f'oci-registry did not start: {line!r}')
    return proc, line.split()[1]


def signing_keys(t):
    """A fresh RSA signing key made by gpg, exported as the secret keyring `package --sign` reads and the public
    keyring `verify` reads; its fingerprint."""
    home = os.path.join(t.tmp, 'gnupg')
    os.makedirs(home, mode=0o700, exist_ok=True)
    env = dict(os.environ, GNUPGHOME=home)
    subprocess.run(['gpg', '--batch', '--passphrase', '', '--quick-gen-key', 'Testbed Signer <signer@example.com>', 'rsa2048',
                    'sign', 'never'], env=env, capture_output=True, check=True)
    secret, public = os.path.join(t.tmp, 'secring.gpg'), os.path.join(t.tmp, 'pubring.gpg')
    with open(secret, 'wb') as f:
        f.write(subprocess.run(['gpg', '--export-secret-keys'], env=env, capture_output=True, check=True).stdout)
    with open(public, 'wb') as f:
        f.write(subprocess.run(['gpg', '--export'], env=env, capture_output=True, check=True).stdout)
    listing = subprocess.run(['gpg', '--with-colons', '--fingerprint', '--list-keys'], env=env, capture_output=True, text=True).stdout
    return secret, public, next(line.split(':')[9] for line in listing.splitlines() if line.startswith('fpr:'))


def manifest_digest(address, repository, tag, auth):
    request = urllib.request.Request(f'http://{address}/v2/{repository}/manifests/{tag}', method='HEAD', headers={
        'Accept': 'application/vnd.oci.image.manifest.v1+json', 'Authorization': auth})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.headers.get('Docker-Content-Digest')


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(t):
    missing = [tool for tool in ('docker-registry', 'gpg') if shutil.which(tool) is None]
    if missing:
        t.check(f'oci: {", ".join(missing)} installed (scripts/install-deps)', False)
        return
    proc, address = start_registry(t, 'registry', 'alice', 'secret')
    remote = f'oci://{address}/charts'

    def helm(*args, stdin=None):
        return subprocess.run([selftest.HELM, *args], input=stdin, capture_output=True, text=True, env=t.env, timeout=120)

    packaged = helm('package', CHART, '-d', os.path.join(t.tmp, 'plain'))
    archive = os.path.join(t.tmp, 'plain', 'fluent-bit-0.40.0.tgz')
    t.check('package: "Successfully packaged chart and saved it to: PATH"',
            packaged.returncode == 0 and packaged.stdout == f'Successfully packaged chart and saved it to: {archive}\n', packaged)
    anonymous = helm('push', archive, remote, '--plain-http')
    t.check('push without a login is refused by a registry that requires one', anonymous.returncode == 1
            and anonymous.stderr.startswith('Error: ') and 'credential' in anonymous.stderr, anonymous)
    wrong = helm('registry', 'login', address, '-u', 'alice', '--password-stdin', '--plain-http', stdin='nope\n')
    t.check('registry login with a wrong password fails with the registry\'s 401',
            wrong.returncode == 1 and '401' in wrong.stderr, wrong)
    login = helm('registry', 'login', address, '-u', 'alice', '--password-stdin', '--plain-http', stdin='secret\n')
    t.check('registry login prints "Login Succeeded" (pkg/registry/client.go Login)',
            login.returncode == 0 and login.stdout == 'Login Succeeded\n', login)

    stored = os.path.join(t.tmp, 'registry-config.json')
    flag_login = helm('registry', 'login', address, '-u', 'alice', '-p', 'secret', '--plain-http', '--registry-config', stored)
    try:
        with open(stored) as f:
            auths = json.load(f).get('auths') or {}
    except (OSError, ValueError):
        auths = {}
    t.check('registry login -u/-p --registry-config FILE stores the login in that file (auths.HOST.auth: user:password)',
            flag_login.returncode == 0 and auths.get(address, {}).get('auth') == 'YWxpY2U6c2VjcmV0', (flag_login, auths))

    pushed = helm('push', archive, remote, '--plain-http')
    auth = 'Basic YWxpY2U6c2VjcmV0'  # alice:secret
    served = manifest_digest(address, 'charts/fluent-bit', '0.40.0', auth)
    t.check('push prints "Pushed: HOST/charts/fluent-bit:0.40.0" and the manifest digest the registry serves for the tag',
            pushed.returncode == 0 and pushed.stdout == f'Pushed: {address}/charts/fluent-bit:0.40.0\nDigest: {served}\n',
            (pushed, served))
    destination = os.path.join(t.tmp, 'pulled')
    pulled = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.0', '-d', destination, '--plain-http')
    copy = os.path.join(destination, 'fluent-bit-0.40.0.tgz')
    t.check('pull prints "Pulled:" and "Digest:" (the same digest) and saves the archive byte for byte as pushed',
            pulled.returncode == 0 and pulled.stdout == f'Pulled: {address}/charts/fluent-bit:0.40.0\nDigest: {served}\n'
            and os.path.exists(copy) and sha256(copy) == sha256(archive), pulled)
    unknown = helm('pull', f'{remote}/absent', '--version', '1.0.0', '-d', destination, '--plain-http')
    t.check('pull of a chart the registry lacks fails: not found', unknown.returncode == 1 and 'not found' in unknown.stderr, unknown)

    secret, public, fingerprint = signing_keys(t)
    signed_dir = os.path.join(t.tmp, 'signed')
    signed = helm('package', CHART, '-d', signed_dir, '--version', '0.40.1', '--sign', '--key', 'signer@example.com',
                  '--keyring', secret)
    signed_archive = os.path.join(signed_dir, 'fluent-bit-0.40.1.tgz')
    t.check('package --sign writes the archive and its .prov', signed.returncode == 0 and os.path.exists(signed_archive + '.prov'),
            signed)
    verified = helm('verify', signed_archive, '--keyring', public)
    expected = (f'Signed by: Testbed Signer <signer@example.com>\nUsing Key With Fingerprint: {fingerprint}\n'
                f'Chart Hash Verified: sha256:{sha256(signed_archive)}\n')
    t.check('verify prints the signer, the key fingerprint and the archive hash (pkg/action/verify.go)',
            verified.returncode == 0 and verified.stdout == expected, (verified, expected))
    unsigned = helm('verify', archive, '--keyring', public)
    t.check('verify of an archive without a .prov fails naming the file', unsigned.returncode == 1
            and f'could not load provenance file {archive}.prov' in unsigned.stderr, unsigned)

    helm('push', signed_archive, remote, '--plain-http')
    checked = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.1', '-d', os.path.join(t.tmp, 'checked'), '--plain-http',
                   '--verify', '--keyring', public)
    t.check('push sends the .prov; pull --verify fetches it and prints the verification after the pulls',
            checked.returncode == 0 and checked.stdout.endswith(expected) and checked.stdout.count('Pulled: ') == 2, checked)
    no_prov = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.0', '-d', os.path.join(t.tmp, 'noprov'), '--plain-http',
                   '--verify', '--keyring', public)
    t.check('pull --verify of a chart pushed without a .prov fails to fetch its provenance (chart_downloader.go)',
            no_prov.returncode == 1 and f'failed to fetch provenance "{remote}/fluent-bit:0.40.0.prov"' in no_prov.stderr, no_prov)
    later = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.1', '-d', os.path.join(t.tmp, 'later'), '--plain-http', '--prov')
    unsigned_later = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.0', '-d', os.path.join(t.tmp, 'later'), '--plain-http',
                          '--prov')
    t.check('pull --prov fetches the .prov without checking it; a chart without one is a WARNING, not an error (VerifyLater)',
            later.returncode == 0 and os.path.exists(os.path.join(t.tmp, 'later', 'fluent-bit-0.40.1.tgz.prov'))
            and 'Signed by' not in later.stdout and unsigned_later.returncode == 0
            and f'WARNING: Verification not found for {remote}/fluent-bit: manifest does not contain a layer with mediatype '
                'application/vnd.cncf.helm.chart.provenance.v1.prov' in unsigned_later.stdout
            and not os.path.exists(os.path.join(t.tmp, 'later', 'fluent-bit-0.40.0.tgz.prov')), (later, unsigned_later))
    tampered_dir = os.path.join(t.tmp, 'tampered')
    helm('package', CHART, '-d', tampered_dir, '--version', '0.40.1', '--app-version', 'tampered')
    shutil.copy(signed_archive + '.prov', os.path.join(tampered_dir, 'fluent-bit-0.40.1.tgz.prov'))
    tampered = helm('verify', os.path.join(tampered_dir, 'fluent-bit-0.40.1.tgz'), '--keyring', public)
    t.check('an archive that is not the one signed fails verification: sha256 sum does not match',
            tampered.returncode == 1 and 'sha256 sum does not match' in tampered.stderr, tampered)

    logout = helm('registry', 'logout', address)
    after = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.0', '-d', destination, '--plain-http')
    t.check('registry logout prints "Removing login credentials for HOST"; the next pull is refused',
            logout.returncode == 0 and logout.stdout == f'Removing login credentials for {address}\n' and after.returncode == 1,
            (logout, after))
    with_credentials = helm('pull', f'{remote}/fluent-bit', '--version', '0.40.0', '-d', destination, '--plain-http',
                            '--username', 'alice', '--password', 'secret')
    t.check('pull --username/--password authenticates that call alone', with_credentials.returncode == 0, with_credentials)
    t.check('oci-registry exits 0 on SIGTERM', t.stop(proc) == 0)



def run_repository(t):
    """`pull REPO/CHART` from an added repository: an archive the repository holds is saved byte for byte, a
    chart the testbed keeps unpacked is served as the same bytes at every pull, and the .prov follows
    chart_downloader.go for an HTTP getter."""
    def helm(*args):
        return subprocess.run([selftest.HELM, *args], capture_output=True, text=True, env=t.env, timeout=120)

    repository = os.path.join(t.tmp, 'repository')
    helm('package', CHART, '-d', repository, '--version', '0.40.1')
    shutil.copytree(CHART, os.path.join(repository, 'fluent-bit-0.40.0'))
    url = 'https://charts.example.com/fluent'
    helm('repo', 'add', 'pulled', url)
    t.env['TESTBED_CHARTS'] = repository
    try:
        helm('repo', 'update', 'pulled')
        first = helm('pull', 'pulled/fluent-bit', '--version', '0.40.1', '-d', os.path.join(t.tmp, 'pulled'))
        t.check('pull REPO/CHART saves the archive the index names under its own name, printing nothing (pull.go)',
                first.returncode == 0 and first.stdout == '' and sha256(os.path.join(t.tmp, 'pulled', 'fluent-bit-0.40.1.tgz'))
                == sha256(os.path.join(repository, 'fluent-bit-0.40.1.tgz')), first)
        twice = [helm('pull', 'pulled/fluent-bit', '--version', '0.40.0', '-d', os.path.join(t.tmp, f'unpacked{n}')) for n in (1, 2)]
        digests = {sha256(os.path.join(t.tmp, f'unpacked{n}', 'fluent-bit-0.40.0.tgz')) for n in (1, 2)}
        t.check('an unpacked chart is served as one archive: two pulls, the same sha256',
                all(r.returncode == 0 for r in twice) and len(digests) == 1, twice)
        later = helm('pull', 'pulled/fluent-bit', '--version', '0.40.1', '-d', os.path.join(t.tmp, 'pulled'), '--prov')
        always = helm('pull', 'pulled/fluent-bit', '--version', '0.40.1', '-d', os.path.join(t.tmp, 'pulled'), '--verify')
        prov = f'{url}/fluent-bit-0.40.1.tgz.prov'
        t.check('without a .prov: --prov warns with the HTTP getter\'s error, --verify fails to fetch provenance',
                later.returncode == 0 and later.stdout == f'WARNING: Verification not found for pulled/fluent-bit: failed to fetch '
                f'{prov} : 404 Not Found\n' and always.returncode == 1 and f'failed to fetch provenance "{prov}"' in always.stderr,
                (later, always))
    finally:
        del t.env['TESTBED_CHARTS']


if __name__ == '__main__':
    sys.exit(selftest.standalone(lambda t: (run(t), run_repository(t)), 'oci'))
