"""
The shim's commands that run on PyPI helm-python-sdk 0.2.2 (`import helm_python`: libhelm_c over
Helm's Go SDK v4.2.3) instead of helm-sdkpy: `get manifest`, `template`, `test`, and install/upgrade
with `--dry-run`. One process loads one Go library: helm_cli.py imports this module, and so
helm_python, only for these commands.

Output follows Helm's CLI (github.com/helm/helm, v3.13+ and v4 alike for these flags):
- `get manifest`: the stored manifest and a newline (pkg/cmd/get_manifest.go).
- `template`: the manifest, then each hook as "---\n# Source: PATH\nMANIFEST" (pkg/cmd/template.go),
  rendered client-side with the Kubernetes version and capabilities Helm assumes offline.
- `install`/`upgrade --dry-run[=client|server]`: nothing is stored; `-o json` prints the release that
  would be written, manifest included (pkg/cmd/upgrade.go, statusPrinter); `server` renders against the
  cluster and sends every object with `?dryRun=All`, so the API server validates without storing.
- `test`: runs the release's `helm.sh/hook: test` pods and waits for them; prints the status with a
  TEST SUITE section, or fails with "Error: 1 error occurred:\n\t* pod NAME failed"
  (pkg/cmd/release_testing.go, pkg/action/release_testing.go); `--logs` adds each pod's log.
"""
import os
import sys

import yaml

from helm_cli import CliError, ansic_time, duration, emit, go_time, resolve_chart, user_values

EXIT_CODE_HELM_FAILED = 1


def _sdk():
    import helm_python  # deferred: loads the Go library (one per process)
    return helm_python


def _config(args, namespace):
    hp = _sdk()
    kubeconfig = args.kubeconfig or next(
        (p for p in (os.environ.get('KUBECONFIG') or '').split(os.pathsep) if p), None)
    return hp.Config(kubeconfig_path=kubeconfig, kube_context=args.kube_context, namespace=namespace)


def _namespace(args):
    return args.namespace or os.environ.get('HELM_NAMESPACE') or 'default'


def _error(e):
    """helm_python's errors carry the SDK's message; Helm prints it after "Error: "."""
    text = str(e).strip()
    if 'not found' in text and 'release' in text:
        return 'release: not found'
    return text


def release_json(summary, values=None):
    """helm_python's release summary in the shape Helm's `-o json` prints (pkg/release/v1/release.go)."""
    deployed = summary.get('deployed_at')
    return {
        'name': summary.get('name'),
        'info': {'first_deployed': deployed, 'last_deployed': deployed, 'deleted': '',
                 'description': 'Dry run complete' if summary.get('status') in (None, '', 'pending-install', 'pending-upgrade')
                 else summary.get('description', ''),
                 'status': summary.get('status') or 'pending-install', 'notes': summary.get('notes') or ''},
        'chart': {'metadata': {'name': summary.get('chart_name'), 'version': summary.get('chart_version'),
                               'appVersion': summary.get('app_version')}},
        'config': values or {},
        'manifest': summary.get('manifest') or '',
        'version': summary.get('revision'),
        'namespace': summary.get('namespace'),
    }


def cmd_get_manifest(args):
    cfg = _config(args, _namespace(args))
    try:
        summary = cfg.status(args.name, revision=args.revision or None)
    except Exception as e:  # noqa: BLE001 - every SDK failure is one "Error:" line, as helm prints it
        raise CliError(_error(e))
    sys.stdout.write((summary.get('manifest') or '') + '\n')


def cmd_template(args):
    """Helm's own client-side install (`--dry-run=client`, no cluster contacted) gives the manifest in
    Helm's install order; the hooks, which it keeps apart, come from the rendered templates."""
    hp = _sdk()
    path = resolve_chart(args.chart, args.version)
    values = user_values(args)
    namespace = _namespace(args)
    try:
        summary = hp.Config(kubeconfig_path=os.devnull, namespace=namespace).install(
            path, args.name, values or None, namespace=namespace, dry_run='client')
        rendered = hp.Chart.load(path).render(values or None, name=args.name, namespace=namespace, is_install=True)
    except Exception as e:  # noqa: BLE001
        raise CliError(_error(e))
    out = [summary.get('manifest') or '']
    # pkg/cmd/template.go: then each hook, "---\n# Source: PATH\nMANIFEST"; tests unless --skip-tests.
    hooks = []
    for source in sorted(rendered):
        for document in (rendered[source] or '').split('\n---'):
            text = document.strip().removeprefix('---').strip()
            try:
                parsed = yaml.safe_load(text) if text else None
            except yaml.YAMLError:
                parsed = None
            hook = hook_events(parsed)
            if not hook or (args.skip_tests and 'test' in hook.split(',')):
                continue
            hooks.append((parsed.get('kind'), f'---\n# Source: {source}\n{text}\n'))
    # The release's hooks are in install order by kind, equal kinds by path (pkg/release/v1/util/
    # manifest_sorter.go SortManifests -> kind_sorter.go sortHooksByKind: stable; unknown kinds last, by name).
    hooks.sort(key=lambda h: (0, INSTALL_ORDER.index(h[0]), '') if h[0] in INSTALL_ORDER else (1, 0, str(h[0])))
    out.extend(text for _, text in hooks)
    sys.stdout.write(''.join(out))


# pkg/release/v1/util/kind_sorter.go InstallOrder
INSTALL_ORDER = ['PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
                 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass',
                 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList',
                 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList',
                 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment',
                 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
                 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']


def hook_events(document):
    """The `helm.sh/hook` annotation of a rendered document, or None. Charts emit `annotations: null`
    (ingress-nginx's webhook configuration) or no metadata at all: Helm reads those as no hook."""
    metadata = document.get('metadata') if isinstance(document, dict) else None
    annotations = metadata.get('annotations') if isinstance(metadata, dict) else None
    hook = annotations.get('helm.sh/hook') if isinstance(annotations, dict) else None
    return hook if isinstance(hook, str) else None


def dry_run(args, exists):
    """install / upgrade --install with --dry-run: what would be written, nothing stored."""
    mode = args.dry_run
    namespace = _namespace(args)
    chart = resolve_chart(args.chart, args.version)
    values = user_values(args)
    cfg = _config(args, namespace)
    try:
        if exists:
            summary = cfg.upgrade(chart, args.name, values or None, namespace=namespace, dry_run=mode)
        else:
            summary = cfg.install(chart, args.name, values or None, namespace=namespace, dry_run=mode,
                                  create_namespace=args.create_namespace)
    except Exception as e:  # noqa: BLE001
        raise CliError(('UPGRADE FAILED: ' if exists else '') + _error(e))
    rel = release_json(summary, values)
    if args.output in ('json', 'yaml'):
        emit(rel, args.output)
        return
    print(f'Release "{args.name}" has been upgraded. Happy Helming!' if exists else f'NAME: {args.name}')
    if exists:
        print(f'NAME: {args.name}')
    print(f"LAST DEPLOYED: {ansic_time(rel['info']['last_deployed'])}")
    print(f'NAMESPACE: {namespace}')
    print(f"STATUS: {rel['info']['status']}")
    print(f"REVISION: {rel['version']}")
    print('TEST SUITE: None')
    print('HOOKS:')
    print('MANIFEST:')
    sys.stdout.write(rel['manifest'] + '\n')


def release_exists(args):
    cfg = _config(args, _namespace(args))
    try:
        cfg.status(args.name)
        return True
    except Exception as e:  # noqa: BLE001
        if 'not found' in str(e):
            return False
        raise CliError(_error(e))


def cmd_test(args):
    """pkg/cmd/release_testing.go: run the tests, print the release status with its TEST SUITE (each
    test hook's last run), then the logs (--logs); a failed test is the command's error after that."""
    namespace = _namespace(args)
    cfg = _config(args, namespace)
    failure = None
    result = {}
    try:
        result = cfg.test(args.name, timeout=duration(args.timeout), logs=args.logs) or {}
    except Exception as e:  # noqa: BLE001
        failure = _error(e)
        if failure == 'release: not found':
            raise CliError(failure)
    try:
        stored = cfg.get_all(args.name)
    except Exception as e:  # noqa: BLE001
        raise CliError(failure or _error(e))
    info = stored.get('summary') or {}
    print(f"NAME: {info.get('name', args.name)}")
    print(f"LAST DEPLOYED: {ansic_time(info.get('deployed_at'))}")
    print(f"NAMESPACE: {info.get('namespace', namespace)}")
    print(f"STATUS: {info.get('status')}")
    print(f"REVISION: {info.get('revision')}")
    tests = [h for h in stored.get('hooks') or [] if 'test' in (h.get('events') or [])]
    if not tests:
        print('TEST SUITE: None')
    for hook in tests:
        run = hook.get('last_run') or {}
        print(f"TEST SUITE:     {hook.get('name')}")
        print(f"Last Started:   {ansic_time(run.get('started_at'))}")
        print(f"Last Completed: {ansic_time(run.get('completed_at'))}")
        print(f"Phase:          {run.get('phase')}")
    if args.logs and result.get('logs'):
        print(result['logs'].rstrip('\n'))
    if failure:
        raise CliError(failure)


def add_parsers(sub, common, output):
    """The sub-commands above, with the flags real helm 3.13+ and 4.x share for them."""
    te = sub.add_parser('template', parents=[common])
    te.add_argument('name')
    te.add_argument('chart')
    te.add_argument('-f', '--values', action='append')
    te.add_argument('--set', action='append')
    te.add_argument('--set-string', action='append')
    te.add_argument('--version')
    te.add_argument('--skip-tests', action='store_true')
    tt = sub.add_parser('test', parents=[common])
    tt.add_argument('name')
    tt.add_argument('--timeout', default='5m0s')
    tt.add_argument('--logs', action='store_true')


def add_get_manifest(get_sub, common):
    gm = get_sub.add_parser('manifest', parents=[common])
    gm.add_argument('name')
    gm.add_argument('--revision', type=int, default=0)
