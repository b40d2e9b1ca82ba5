"""Server-side apply and managedFields of the emulator, against what a real API server does.

run(t) takes the SelfTest of selftest.py (t.check, t.helm, t.start_emulator, t.tmp, t.env) and starts an
emulator of its own. Standalone: `TESTBED_HOME=... python3 testbed/lib/ssa_selftest.py` (last line
"N passed, M failed", exit 1 on failure).

Upstream behaviour checked (see field_management.py for the sources):
  * apply: the manager's Apply entry is exactly the configuration's fields; what it stops applying and nobody
    else owns is removed; changing a value another manager owns is a 409 Conflict ("Apply failed with N
    conflict(s): conflict with "M" [with subresource "S"] using GV: PATH", causes FieldManagerConflict) unless
    force=true, which takes the field; equal values are shared; fieldManager is required (422 Invalid).
  * updates (create, put, merge/strategic/json patch): the manager is ?fieldManager= or the User-Agent's
    prefix; the fields a write changes leave every other manager; /scale writes an Update entry with
    subresource "scale".
  * keyed lists merge per item (containers by name, Service ports by port+protocol), atomic lists (args) are
    owned whole; dryRun=All stores nothing.
  * optimistic concurrency: create twice, PUT with an old resourceVersion, DELETE with an old precondition (409).
  * real Helm 4 (through the shim): SSA install, `kubectl scale`, an SSA upgrade that conflicts and one with
    --force-conflicts; a client-side release switched to --server-side.
"""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selftest  # noqa: E402

KUBECTL = selftest.KUBECTL
CHARTS = selftest.CHARTS
METRICS = os.path.join(CHARTS, 'metrics-server-3.12.1')
NPD = os.path.join(CHARTS, 'node-problem-detector-2.3.12')
APPLY = 'application/apply-patch+yaml'
MERGE = 'application/merge-patch+json'
DEPLOYMENTS = '/apis/apps/v1/namespaces/{ns}/deployments'


class Rest:
    """JSON over urllib against one emulator: (status, body) for every answer, errors included."""

    def __init__(self, url):
        self.url = url

    def __call__(self, method, path, body=None, ctype='application/json', agent='ssa-selftest/1.0 (linux/amd64)', **query):
        qs = '&'.join(f'{k}={v}' for k, v in query.items())
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path + (f'?{qs}' if qs else ''), data=data, method=method,
                                     headers={'Content-Type': ctype, 'User-Agent': agent, 'Accept': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text.decode(errors='replace')


def entries(obj):
    """{(manager, operation, subresource): entry} of an object's managedFields."""
    return {(e.get('manager'), e.get('operation'), e.get('subresource')): e
            for e in ((obj or {}).get('metadata') or {}).get('managedFields') or []}


def fields(obj, manager, operation='Apply', subresource=None):
    return (entries(obj).get((manager, operation, subresource)) or {}).get('fieldsV1') or {}


def has(fieldset, *path):
    node = fieldset
    for pe in path:
        if not isinstance(node, dict) or pe not in node:
            return False
        node = node[pe]
    return True


def deployment(name, replicas=None, labels=None, containers=None, annotations=None):
    spec = {'selector': {'matchLabels': {'app': name}},
            'template': {'metadata': {'labels': {'app': name}},
                         'spec': {'containers': containers if containers is not None else
                                  [{'name': 'app', 'image': 'nginx:1.25', 'args': ['--port', '80']}]}}}
    if replicas is not None:
        spec['replicas'] = replicas
    meta = {'name': name, 'labels': labels if labels is not None else {'app': name}}
    if annotations:
        meta['annotations'] = annotations
    return {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': meta, 'spec': spec}


def kubectl(kc, *args, stdin=None):
    return subprocess.run([KUBECTL, '--kubeconfig', kc, *args], input=stdin, capture_output=True, text=True, timeout=30)


def run(t):
    proc, kc, url = t.start_emulator('ssa')
    rest = Rest(url)
    ns = 'default'
    deps = DEPLOYMENTS.format(ns=ns)
    web = f'{deps}/web'

    # ---------------------------------------------------------------- apply: create, ownership, pruning
    cfg = deployment('web', replicas=1, labels={'app': 'web', 'tier': 'front'}, annotations={'team': 'a'})
    code, obj = rest('PATCH', web, cfg, APPLY, fieldManager='alpha')
    a = entries(obj).get(('alpha', 'Apply', None)) or {}
    fa = a.get('fieldsV1') or {}
    t.check('apply to a missing object creates it (201) with one Apply entry: manager, operation, apiVersion, time, FieldsV1',
            code == 201 and list(entries(obj)) == [('alpha', 'Apply', None)] and a.get('apiVersion') == 'apps/v1'
            and a.get('fieldsType') == 'FieldsV1' and a.get('time', '').endswith('Z'), (code, obj))
    t.check('... FieldsV1: f:spec.f:replicas, keyed container k:{"name":"app"} with ".", atomic f:args and f:selector leaves, '
            'no apiVersion/kind/name/status',
            fa.get('f:spec', {}).get('f:replicas') == {} and fa['f:spec'].get('f:selector') == {}
            and fa['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'].get('.') == {}
            and fa['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'].get('f:args') == {}
            and not any(k in fa for k in ('f:apiVersion', 'f:kind', 'f:status'))
            and set(fa.get('f:metadata', {})) == {'f:labels', 'f:annotations'}, fa)

    cfg = deployment('web', replicas=1, labels={'app': 'web'})
    code, obj = rest('PATCH', web, cfg, APPLY, fieldManager='alpha')
    t.check('re-apply by the same manager without a label and an annotation removes them from the object and its entry',
            code == 200 and obj['metadata'].get('labels') == {'app': 'web'} and 'annotations' not in obj['metadata']
            and not has(fields(obj, 'alpha'), 'f:metadata', 'f:labels', 'f:tier')
            and not has(fields(obj, 'alpha'), 'f:metadata', 'f:annotations'), (code, obj.get('metadata')))
    rv = obj['metadata']['resourceVersion']
    code, obj = rest('PATCH', web, cfg, APPLY, fieldManager='alpha')
    t.check('the same apply again changes nothing (same resourceVersion)', code == 200 and obj['metadata']['resourceVersion'] == rv,
            (code, obj.get('metadata')))

    # ---------------------------------------------------------------- updates: manager from fieldManager or User-Agent
    code, obj = rest('PATCH', web, {'metadata': {'labels': {'edited': 'yes', 'app': 'web'}}}, MERGE,
                     agent='my-tool/2.1 (linux/amd64) kubernetes/abc')
    upd = entries(obj).get(('my-tool', 'Update', None)) or {}
    t.check('a merge patch without fieldManager is an Update entry named after the User-Agent ("my-tool/2.1 ..." -> my-tool)',
            code == 200 and upd.get('apiVersion') == 'apps/v1' and upd.get('time')
            and has(upd.get('fieldsV1'), 'f:metadata', 'f:labels', 'f:edited')
            and not has(upd.get('fieldsV1'), 'f:metadata', 'f:labels', 'f:app'), (code, entries(obj)))
    code, obj = rest('PATCH', web, {'metadata': {'labels': {'app': 'web', 'edited': 'yes', 'x': '1'}}}, MERGE,
                     fieldManager='editor', agent='my-tool/2.1')
    t.check('?fieldManager= names the manager of an update', code == 200 and ('editor', 'Update', None) in entries(obj)
            and has(fields(obj, 'editor', 'Update'), 'f:metadata', 'f:labels', 'f:x'), entries(obj))
    code, obj = rest('PATCH', web, {'metadata': {'annotations': {'note': 'n'}}}, MERGE, force='true', fieldManager='editor')
    t.check('force on a non-apply patch: 422 Invalid "force: Forbidden: may not be specified for non-apply patch"',
            code == 422 and obj.get('reason') == 'Invalid' and 'force: Forbidden' in obj.get('message', ''), (code, obj))

    # ---------------------------------------------------------------- scale, conflicts, force
    if t.kubectl:
        r = kubectl(kc, '-n', ns, 'scale', 'deployment/web', '--replicas=3')
        scaled_ok = r.returncode == 0
        detail = r.stderr
    else:  # what kubectl scale sends: a merge patch of the Scale, no fieldManager, User-Agent kubectl/...
        code, _ = rest('PATCH', f'{web}/scale', {'spec': {'replicas': 3}}, MERGE, agent='kubectl/v1.32.4 (linux/amd64)')
        scaled_ok, detail = code == 200, code
    code, obj = rest('GET', web)
    sc = entries(obj).get(('kubectl', 'Update', 'scale')) or {}
    t.check('kubectl scale: spec.replicas 3 owned by {manager: kubectl, operation: Update, subresource: scale, apiVersion: apps/v1}',
            scaled_ok and obj['spec']['replicas'] == 3 and sc.get('fieldsV1') == {'f:spec': {'f:replicas': {}}}
            and sc.get('apiVersion') == 'apps/v1', (detail, entries(obj)))
    t.check('... and the applier lost .spec.replicas (its other fields stay)',
            not has(fields(obj, 'alpha'), 'f:spec', 'f:replicas') and has(fields(obj, 'alpha'), 'f:spec', 'f:selector'),
            fields(obj, 'alpha'))

    code, obj = rest('PATCH', web, deployment('web', replicas=2), APPLY, fieldManager='alpha')
    want = 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas'
    t.check(f'apply of another replicas value: 409 Conflict, message {want!r}',
            code == 409 and obj.get('kind') == 'Status' and obj.get('reason') == 'Conflict' and obj.get('code') == 409
            and obj.get('message') == want, (code, obj))
    t.check('... details.causes [{reason: FieldManagerConflict, message: conflict with "kubectl" ..., field: .spec.replicas}]',
            code == 409 and obj.get('details', {}).get('causes') == [
                {'reason': 'FieldManagerConflict', 'message': 'conflict with "kubectl" with subresource "scale" using apps/v1',
                 'field': '.spec.replicas'}], obj)
    code, obj = rest('GET', web)
    t.check('... and nothing changed', obj['spec']['replicas'] == 3 and ('kubectl', 'Update', 'scale') in entries(obj), entries(obj))

    two = deployment('web', replicas=2, containers=[{'name': 'app', 'image': 'nginx:1.26', 'args': ['--port', '80']}])
    code, obj = rest('PATCH', web, two, APPLY, fieldManager='gamma')
    msg = obj.get('message', '') if isinstance(obj, dict) else ''
    t.check('several conflicts: "Apply failed with 2 conflicts: conflicts with "alpha":\\n- PATH\\nconflicts with "kubectl" ...",'
            ' managers sorted',
            code == 409 and msg == 'Apply failed with 2 conflicts: conflicts with "alpha":\n'
            '- .spec.template.spec.containers[name="app"].image\n'
            'conflicts with "kubectl" with subresource "scale" using apps/v1:\n- .spec.replicas'
            and [c['field'] for c in obj['details']['causes']] == ['.spec.template.spec.containers[name="app"].image',
                                                                   '.spec.replicas'], (code, obj))

    code, obj = rest('PATCH', web, deployment('web', replicas=2), APPLY, fieldManager='alpha', force='true')
    t.check('force=true: the apply succeeds, replicas 2 owned by the applier again, kubectl\'s scale entry (now empty) is gone',
            code == 200 and obj['spec']['replicas'] == 2 and has(fields(obj, 'alpha'), 'f:spec', 'f:replicas')
            and ('kubectl', 'Update', 'scale') not in entries(obj), (code, entries(obj)))

    # ---------------------------------------------------------------- shared ownership
    code, obj = rest('PATCH', web, {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'},
                                    'spec': {'replicas': 2}}, APPLY, fieldManager='beta')
    t.check('applying the value another manager set (replicas 2): no conflict, both own .spec.replicas',
            code == 200 and has(fields(obj, 'beta'), 'f:spec', 'f:replicas') and has(fields(obj, 'alpha'), 'f:spec', 'f:replicas'),
            (code, obj))
    code, obj = rest('PATCH', web, {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'},
                                    'spec': {'replicas': 4}}, APPLY, fieldManager='beta')
    t.check('... then a different value conflicts with the other applier: "conflict with "alpha": .spec.replicas" (no "using")',
            code == 409 and obj.get('message') == 'Apply failed with 1 conflict: conflict with "alpha": .spec.replicas', (code, obj))
    code, obj = rest('PATCH', web, deployment('web', labels={'app': 'web'}), APPLY, fieldManager='alpha')
    t.check('an applier that stops applying a shared field leaves it to the other (replicas stays 2, beta owns it)',
            code == 200 and obj['spec']['replicas'] == 2 and not has(fields(obj, 'alpha'), 'f:spec', 'f:replicas')
            and has(fields(obj, 'beta'), 'f:spec', 'f:replicas'), (code, obj.get('spec', {}).get('replicas'), entries(obj)))

    # ---------------------------------------------------------------- keyed and atomic lists
    side = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'},
            'spec': {'template': {'spec': {'containers': [{'name': 'sidecar', 'image': 'busybox:1.36'}]}}}}
    code, obj = rest('PATCH', web, side, APPLY, fieldManager='mesh')
    names = [c['name'] for c in obj.get('spec', {}).get('template', {}).get('spec', {}).get('containers', [])] if code == 200 else []
    fm = fields(obj, 'mesh')['f:spec']['f:template']['f:spec']['f:containers'] if code == 200 else {}
    t.check('containers merge by name: a second manager\'s sidecar joins "app"; its entry owns k:{"name":"sidecar"} only',
            code == 200 and names == ['app', 'sidecar'] and list(fm) == ['k:{"name":"sidecar"}']
            and has(fields(obj, 'alpha'), 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}'), (code, names, fm))
    code, obj = rest('PATCH', web, deployment('web', labels={'app': 'web'}), APPLY, fieldManager='alpha')
    names = [c['name'] for c in obj['spec']['template']['spec']['containers']]
    t.check('... the first manager re-applying only "app" keeps the sidecar (owned by the other)', code == 200
            and names == ['app', 'sidecar'], names)
    code, obj = rest('PATCH', web, {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'}}, APPLY,
                     fieldManager='mesh')
    names = [c['name'] for c in obj['spec']['template']['spec']['containers']]
    t.check('... and the sidecar\'s manager applying without it removes it (it owned it alone)', code == 200
            and names == ['app'] and ('mesh', 'Apply', None) not in entries(obj), (names, entries(obj)))

    args = deployment('web', labels={'app': 'web'}, containers=[{'name': 'app', 'image': 'nginx:1.25', 'args': ['--port', '81']}])
    code, obj = rest('PATCH', web, args, APPLY, fieldManager='delta')
    t.check('args is atomic: another manager\'s different args conflict on the whole list '
            '(.spec.template.spec.containers[name="app"].args)', code == 409
            and [c['field'] for c in obj['details']['causes']] == ['.spec.template.spec.containers[name="app"].args'], (code, obj))
    code, obj = rest('PATCH', web, args, APPLY, fieldManager='delta', force='true')
    fd = fields(obj, 'delta')
    t.check('... forced: replaced whole, owned as one leaf f:args: {} (no per-item ownership)', code == 200
            and obj['spec']['template']['spec']['containers'][0]['args'] == ['--port', '81']
            and fd['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'].get('f:args') == {}
            and not has(fields(obj, 'alpha'), 'f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:args'),
            (code, fd))

    svc = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'web'},
           'spec': {'selector': {'app': 'web'}, 'ports': [{'name': 'http', 'port': 80, 'targetPort': 8080}]}}
    code, obj = rest('PATCH', f'/api/v1/namespaces/{ns}/services/web', svc, APPLY, fieldManager='alpha')
    fs = fields(obj, 'alpha').get('f:spec', {})
    t.check('Service ports are keyed by port and protocol (protocol defaults to TCP): k:{"port":80,"protocol":"TCP"}; '
            'the selector is an atomic map', code == 201 and 'k:{"port":80,"protocol":"TCP"}' in fs.get('f:ports', {})
            and fs.get('f:selector') == {} and 'status' not in json.dumps(fields(obj, 'alpha')), (code, fs))

    # ---------------------------------------------------------------- required fieldManager, dry run, misc
    code, obj = rest('PATCH', web, deployment('web', replicas=9), APPLY)
    t.check('apply without fieldManager: 422 Invalid \'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
            'is required for apply patch\' (as the API server; not 400)', code == 422 and obj.get('reason') == 'Invalid'
            and obj.get('message') == 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
            and obj.get('details', {}).get('causes', [{}])[0].get('field') == 'fieldManager', (code, obj))
    bad = deployment('web')
    bad['metadata']['managedFields'] = [{'manager': 'x', 'operation': 'Apply', 'apiVersion': 'apps/v1', 'fieldsType': 'FieldsV1', 'fieldsV1': {}}]
    code, obj = rest('PATCH', web, bad, APPLY, fieldManager='alpha')
    t.check('managedFields in an apply configuration: 400 "metadata.managedFields must be nil"', code == 400
            and obj.get('message') == 'metadata.managedFields must be nil', (code, obj))

    dup = deployment('web', containers=[{'name': 'app', 'image': 'a'}, {'name': 'app', 'image': 'b'}])
    code, obj = rest('PATCH', web, dup, APPLY, fieldManager='alpha')
    t.check('duplicate keys in an apply configuration: 500 "Internal error occurred: failed to create typed patch object '
            '(default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="app"]"',
            code == 500 and obj.get('message') == 'Internal error occurred: failed to create typed patch object (default/web; '
            'apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="app"]', (code, obj))

    _, before = rest('GET', web)
    code, obj = rest('PATCH', web, deployment('web', replicas=7, labels={'app': 'web', 'dry': 'run'}), APPLY,
                     fieldManager='alpha', force='true', dryRun='All')
    _, after = rest('GET', web)
    t.check('dryRun=All apply answers the result (replicas 7, the label) and stores nothing', code == 200
            and obj['spec']['replicas'] == 7 and obj['metadata']['labels'].get('dry') == 'run'
            and after['metadata']['resourceVersion'] == before['metadata']['resourceVersion'] and after['spec']['replicas'] == 2,
            (code, after.get('spec', {}).get('replicas')))
    code, obj = rest('PATCH', f'{deps}/ghost', deployment('ghost'), APPLY, fieldManager='alpha', dryRun='All')
    code2, _ = rest('GET', f'{deps}/ghost')
    t.check('dryRun=All apply of a missing object: 201 with its managedFields, nothing created', code == 201
            and ('alpha', 'Apply', None) in entries(obj) and code2 == 404, (code, code2))
    code, obj = rest('PATCH', web, deployment('web', replicas=3), APPLY, fieldManager='beta', dryRun='All')
    t.check('dryRun=All apply still reports conflicts (409)', code == 409 and obj.get('reason') == 'Conflict', (code, obj))

    cm = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'made'}, 'data': {'a': '1'}}
    code, obj = rest('POST', f'/api/v1/namespaces/{ns}/configmaps', cm, fieldManager='creator')
    t.check('a create is an Update entry owning what it set; "." marks the maps it added (f:data: {".", f:a})', code == 201
            and fields(obj, 'creator', 'Update') == {'f:data': {'.': {}, 'f:a': {}}}, (code, entries(obj)))
    code, obj = rest('PATCH', f'/api/v1/namespaces/{ns}/configmaps/made',
                     {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'made'}, 'data': {'a': '2'}}, APPLY,
                     fieldManager='applier')
    t.check('apply over an Update manager\'s value conflicts too: \'conflict with "creator" using v1: .data.a\'', code == 409
            and obj.get('message') == 'Apply failed with 1 conflict: conflict with "creator" using v1: .data.a', (code, obj))
    code, obj = rest('PUT', f'/api/v1/namespaces/{ns}/configmaps/made',
                     {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'made'}, 'data': {'a': '3', 'b': '1'}},
                     agent='kubectl/v1.32.4 (linux/amd64) kubernetes/abc')
    t.check('an update takes the fields it changes from everyone else (PUT by kubectl owns a, b; the creator keeps only the '
            'map itself, f:data: {})', code == 200 and fields(obj, 'kubectl', 'Update') == {'f:data': {'f:a': {}, 'f:b': {}}}
            and fields(obj, 'creator', 'Update') == {'f:data': {}}, (code, entries(obj)))

    if t.kubectl:
        manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kapply\ndata:\n  a: "1"\n  b: "2"\n'
        r = kubectl(kc, '-n', ns, 'apply', '--server-side', '-f', '-', stdin=manifest)
        _, obj = rest('GET', f'/api/v1/namespaces/{ns}/configmaps/kapply')
        t.check('kubectl apply --server-side: manager "kubectl", operation Apply', r.returncode == 0
                and fields(obj, 'kubectl') == {'f:data': {'f:a': {}, 'f:b': {}}}, r.stderr or entries(obj))
        r = kubectl(kc, '-n', ns, 'apply', '--server-side', '-f', '-', stdin=manifest.replace('  b: "2"\n', ''))
        _, obj = rest('GET', f'/api/v1/namespaces/{ns}/configmaps/kapply')
        t.check('... re-applied without key b: b is removed', r.returncode == 0 and obj.get('data') == {'a': '1'}, r.stderr or obj)
        rest('PATCH', f'/api/v1/namespaces/{ns}/configmaps/kapply', {'data': {'a': 'edited'}}, MERGE, fieldManager='editor')
        r = kubectl(kc, '-n', ns, 'apply', '--server-side', '-f', '-', stdin=manifest.replace('  b: "2"\n', ''))
        t.check('... after another manager changed a: kubectl reports the conflict (exit 1, "conflict with \\"editor\\" using v1: .data.a")',
                r.returncode == 1 and 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.a' in r.stderr, r.stderr)
        r = kubectl(kc, '-n', ns, 'apply', '--server-side', '--force-conflicts', '-f', '-', stdin=manifest.replace('  b: "2"\n', ''))
        _, obj = rest('GET', f'/api/v1/namespaces/{ns}/configmaps/kapply')
        t.check('... --force-conflicts takes it back', r.returncode == 0 and obj.get('data') == {'a': '1'}
                and ('editor', 'Update', None) not in entries(obj), r.stderr or entries(obj))

        csa = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: migrate\ndata:\n  a: "1"\n'
        r1 = kubectl(kc, '-n', ns, 'apply', '-f', '-', stdin=csa)
        _, obj = rest('GET', f'/api/v1/namespaces/{ns}/configmaps/migrate')
        first = list(entries(obj))
        r2 = kubectl(kc, '-n', ns, 'apply', '--server-side', '--field-manager=other', '-f', '-', stdin=csa.replace('"1"', '"2"'))
        r3 = kubectl(kc, '-n', ns, 'apply', '--server-side', '-f', '-', stdin=csa.replace('"1"', '"2"'))
        _, obj = rest('GET', f'/api/v1/namespaces/{ns}/configmaps/migrate')
        last = json.loads((obj['metadata'].get('annotations') or {}).get('kubectl.kubernetes.io/last-applied-configuration') or '{}')
        t.check('kubectl apply (client-side: kubectl-client-side-apply, Update) then --server-side with a new value: another '
                'manager conflicts, "kubectl" may take what its last-applied-configuration set (lastappliedmanager.go) and '
                'keeps that annotation current (lastappliedupdater.go)', r1.returncode == 0
                and first == [('kubectl-client-side-apply', 'Update', None)] and r2.returncode == 1
                and 'conflict with "kubectl-client-side-apply" using v1: .data.a' in r2.stderr and r3.returncode == 0
                and obj.get('data') == {'a': '2'} and last.get('data') == {'a': '2'}
                and ('kubectl', 'Apply', None) in entries(obj), (first, r1.stderr, r2.stderr, r3.stderr, entries(obj), last))

    helm_cases(t, kc, rest)
    concurrency_cases(t, rest)
    t.check('ssa emulator exits 0 on SIGTERM', t.stop(proc) == 0)


def concurrency_cases(t, rest):
    """Optimistic concurrency, what a writer that must not overwrite another relies on: a second create of a name
    is 409 AlreadyExists; a PUT carrying an old metadata.resourceVersion is 409 Conflict; a DELETE whose
    DeleteOptions.preconditions name an old resourceVersion is 409 Conflict worded as Preconditions.Check
    (apiserver/pkg/storage/interfaces.go) and mapped by storeerr.InterpretDeleteError, and deletes nothing."""
    secrets = '/api/v1/namespaces/default/secrets'
    lock = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': 'lock'}, 'data': {'k': 'MQ=='}}
    c1, first = rest('POST', secrets, lock, fieldManager='alpha')
    c2, again = rest('POST', secrets, lock, fieldManager='beta')
    t.check('a second create of the same name is 409 AlreadyExists', c1 == 201 and c2 == 409 and again.get('reason') == 'AlreadyExists',
            (c1, c2, again))
    old = first['metadata']['resourceVersion']
    c3, newer = rest('PUT', f'{secrets}/lock', dict(lock, metadata={'name': 'lock', 'resourceVersion': old}), fieldManager='alpha')
    c4, stale = rest('PUT', f'{secrets}/lock', dict(lock, metadata={'name': 'lock', 'resourceVersion': old}), fieldManager='beta')
    t.check('a PUT with the resourceVersion read succeeds once; the same PUT again is 409 Conflict', c3 == 200 and c4 == 409
            and stale.get('reason') == 'Conflict', (c3, c4, stale))
    options = {'kind': 'DeleteOptions', 'apiVersion': 'v1', 'preconditions': {'resourceVersion': old}}
    c5, refused = rest('DELETE', f'{secrets}/lock', options)
    c6, _ = rest('GET', f'{secrets}/lock')
    current = newer['metadata']['resourceVersion']
    c7, _ = rest('DELETE', f'{secrets}/lock', dict(options, preconditions={'resourceVersion': current}))
    c8, _ = rest('GET', f'{secrets}/lock')
    t.check('a DELETE whose precondition names an old resourceVersion is 409 Conflict and deletes nothing; with the current one '
            'it deletes', c5 == 409 and refused.get('reason') == 'Conflict' and refused.get('message') == (
                f'Operation cannot be fulfilled on secrets "lock": Precondition failed: ResourceVersion in precondition: {old}, '
                f'ResourceVersion in object meta: {current}') and c6 == 200 and c7 == 200 and c8 == 404, (c5, refused, c6, c7, c8))


def helm_cases(t, kc, rest):
    """Real Helm 4 through the shim: SSA install, kubectl scale, a conflicting SSA upgrade and a forced one."""
    ns = 'metrics'
    dep = f'/apis/apps/v1/namespaces/{ns}/deployments/ms-metrics-server'
    r = t.helm('install', 'ms', METRICS, '-n', ns, '--create-namespace', '--server-side=true', kubeconfig=kc)
    _, obj = rest('GET', dep)
    appliers = [e for e in (obj.get('metadata') or {}).get('managedFields') or [] if e.get('operation') == 'Apply']
    manager = appliers[0]['manager'] if len(appliers) == 1 else None
    # pkg/kube/client.go getManagedFieldsManager: kube.ManagedFieldsManager ("helm", set by cmd/helm/helm.go only),
    # else filepath.Base(os.Args[0]). The shim runs the library inside python, so Go's os.Args[0] is the venv's python.
    t.check(f'helm install --server-side=true: the Deployment has one Apply entry, manager {manager!r} '
            '(filepath.Base(os.Args[0]): "python" through the shim; the helm binary says "helm")', r.returncode == 0
            and manager in ('helm', 'python') and has(appliers[0]['fieldsV1'], 'f:spec', 'f:replicas'), r.stderr or entries(obj))
    _, secret = rest('GET', f'/api/v1/namespaces/{ns}/secrets/sh.helm.release.v1.ms.v1')
    t.check('... its release Secret is an Update entry named from Helm\'s User-Agent ("Helm/<version>" -> "Helm")',
            ('Helm', 'Update', None) in entries(secret), entries(secret))
    if t.kubectl:
        r = kubectl(kc, '-n', ns, 'scale', 'deployment', 'ms-metrics-server', '--replicas=3')
        scaled = r.returncode == 0
    else:
        scaled = rest('PATCH', f'{dep}/scale', {'spec': {'replicas': 3}}, MERGE, agent='kubectl/v1.32.4')[0] == 200
    r = t.helm('upgrade', 'ms', METRICS, '-n', ns, '--server-side=true', '--reuse-values', '--set', 'replicas=2', kubeconfig=kc)
    want = ('Error: UPGRADE FAILED: conflict occurred while applying object metrics/ms-metrics-server apps/v1, '
            'Kind=Deployment: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: '
            '.spec.replicas\n')
    _, obj = rest('GET', dep)
    t.check(f'kubectl scale --replicas=3, then helm upgrade --server-side=true --set replicas=2 fails: {want.strip()!r}',
            scaled and r.returncode == 1 and r.stderr == want and obj['spec']['replicas'] == 3, (scaled, r.returncode, r.stderr))
    hist = t.helm_json('history', 'ms', '-n', ns, kubeconfig=kc) or []
    t.check('... the upgrade is recorded failed', [h['status'] for h in hist] == ['deployed', 'failed'], hist)
    r = t.helm('upgrade', 'ms', METRICS, '-n', ns, '--server-side=true', '--reuse-values', '--set', 'replicas=2',
               '--force-conflicts', kubeconfig=kc)
    _, obj = rest('GET', dep)
    t.check('... with --force-conflicts it succeeds: replicas 2, Helm\'s Apply entry owns .spec.replicas, the scale entry is gone',
            r.returncode == 0 and obj['spec']['replicas'] == 2 and has(fields(obj, manager), 'f:spec', 'f:replicas')
            and ('kubectl', 'Update', 'scale') not in entries(obj), r.stderr or entries(obj))

    # A client-side release switched to server-side: Helm rewrites its Update entries into Apply entries first
    # (pkg/kube/client.go upgradeClientSideFieldManager, client-go csaupgrade: a JSON patch of managedFields).
    r1 = t.helm('install', 'npd', NPD, '-n', 'npd', '--create-namespace', '--server-side=false', kubeconfig=kc)
    _, ds = rest('GET', '/apis/apps/v1/namespaces/npd/daemonsets/npd-node-problem-detector')
    csa = [(e['manager'], e['operation']) for e in (ds.get('metadata') or {}).get('managedFields') or []]
    r2 = t.helm('upgrade', 'npd', NPD, '-n', 'npd', '--server-side=true', '--reuse-values', kubeconfig=kc)
    _, ds = rest('GET', '/apis/apps/v1/namespaces/npd/daemonsets/npd-node-problem-detector')
    ssa = [(e['manager'], e['operation']) for e in (ds.get('metadata') or {}).get('managedFields') or []]
    t.check('a client-side install (Update entry) upgraded with --server-side=true: no conflict, Helm\'s entry becomes Apply',
            r1.returncode == 0 and r2.returncode == 0 and csa == [(manager, 'Update')] and ssa == [(manager, 'Apply')],
            (r1.stderr, r2.stderr, csa, ssa))

    # What bin/helm would give with the Go library seeing argv[0] ".../helm" (bash `exec -a`): the helm binary's name.
    home = t.env.get('TESTBED_HOME') or os.environ.get('TESTBED_HOME', '')
    python = os.path.join(home, 'bin', 'python')
    if os.access(python, os.X_OK):
        cmd = [os.path.join(home, 'bin', 'helm'), os.path.join(selftest.ROOT, 'lib', 'helm_cli.py'), 'install', 'ms2', NPD,
               '-n', 'ms2', '--create-namespace', '--server-side=true', '--kubeconfig', kc]
        r = subprocess.run(cmd, executable=python, capture_output=True, text=True, env=t.env, timeout=120)
        _, ds = rest('GET', '/apis/apps/v1/namespaces/ms2/daemonsets/ms2-node-problem-detector')
        t.check('with argv[0] ending in "helm" (exec -a), the same library applies as manager "helm"',
                r.returncode == 0 and ('helm', 'Apply', None) in entries(ds), r.stderr or entries(ds))


if __name__ == '__main__':
    sys.exit(selftest.standalone(run, 'ssa'))
