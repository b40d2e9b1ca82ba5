"""The emulator playing prometheus-operator on Prometheus and Alertmanager objects.

run(t) takes the SelfTest of selftest.py and starts an emulator of its own (`--ready-after 1`); standalone:
`TESTBED_HOME=... python3 testbed/lib/operator_selftest.py`. The CRDs are
kube-prometheus-stack 88.5.3's, read from the upstream chart data in ../shared/charts (not committed here).

Upstream behaviour checked (prometheus-operator: pkg/apis/monitoring/v1/types.go conditions,
pkg/prometheus/operator.go StatusReporter.Process, pkg/operator/statefulset_reporter.go
StatusAndReasonForAvailableCondition, pkg/operator/operator.go ReconciliationTracker.GetCondition):
  * the operator reports at once: `Reconciled` True and `Available` False/NoPodReady, both with the
    object's generation as observedGeneration; once the pods are ready `Available` is True;
  * a spec change bumps metadata.generation (the API server: CRDs with a status subresource count spec
    changes only), and the conditions follow it; with several replicas not yet ready `Available` is
    Degraded/SomePodsNotReady;
  * an image containing `fail-readiness` never becomes Available; a paused object is not reconciled, so its
    conditions keep the generation they were set for.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import selftest  # noqa: E402

CRDS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'charts',
                    'kube-prometheus-stack-88.5.3', 'charts', 'crds', 'crds')


def run(t):
    if not os.path.isdir(CRDS):
        t.check(f'operator: the kube-prometheus-stack CRDs are at {os.path.normpath(CRDS)}', False)
        return
    proc, kubeconfig, _ = t.start_emulator('operator', '--ready-after', '1')

    def kubectl(*args, stdin=None):
        return subprocess.run([selftest.KUBECTL, '--kubeconfig', kubeconfig, *args], input=stdin, capture_output=True,
                              text=True, env=t.env, timeout=60)

    def get(kind, name):
        r = kubectl('get', kind, name, '-n', 'monitoring', '-o', 'json')
        return json.loads(r.stdout) if r.returncode == 0 else {}

    def conditions(obj):
        return {c['type']: (c['status'], c.get('reason', ''), c.get('observedGeneration'))
                for c in (obj.get('status') or {}).get('conditions') or []}

    def apply(kind, name, spec):
        doc = {'apiVersion': 'monitoring.coreos.com/v1', 'kind': kind, 'metadata': {'name': name, 'namespace': 'monitoring'},
               'spec': spec}
        return kubectl('apply', '--server-side', '--field-manager', 'selftest', '-f', '-', stdin=json.dumps(doc))

    r = kubectl('apply', '--server-side', '-f', os.path.join(CRDS, 'crd-prometheuses.yaml'),
                '-f', os.path.join(CRDS, 'crd-alertmanagers.yaml'))
    t.check('operator: kube-prometheus-stack 88.5.3 CRDs applied server-side', r.returncode == 0, r.stderr)
    kubectl('create', 'namespace', 'monitoring')

    r = apply('Prometheus', 'main', {'replicas': 1, 'image': 'quay.io/prometheus/prometheus:v3.5.0'})
    first = get('prometheus', 'main')
    t.check('operator: a new Prometheus is reported at once: Reconciled True, Available False/NoPodReady, generation 1',
            r.returncode == 0 and conditions(first) == {'Available': ('False', 'NoPodReady', 1), 'Reconciled': ('True', '', 1)},
            r.stderr or first.get('status'))
    ready = t.wait_until(lambda: conditions(get('prometheus', 'main')).get('Available') == ('True', '', 1), 10)
    status = get('prometheus', 'main').get('status') or {}
    t.check('operator: ... and Available True with its replicas available once the pods are ready',
            ready and status.get('availableReplicas') == 1 and status.get('unavailableReplicas') == 0, status)

    r = apply('Prometheus', 'main', {'replicas': 2, 'image': 'quay.io/prometheus/prometheus:v3.5.0'})
    changed = get('prometheus', 'main')
    t.check('operator: a spec change is generation 2; Available Degraded/SomePodsNotReady for it while pods roll',
            changed['metadata'].get('generation') == 2
            and conditions(changed) == {'Available': ('Degraded', 'SomePodsNotReady', 2), 'Reconciled': ('True', '', 2)},
            changed.get('metadata', {}).get('generation') and changed.get('status'))
    ready = t.wait_until(lambda: conditions(get('prometheus', 'main')).get('Available') == ('True', '', 2), 10)
    t.check('operator: ... then Available True for generation 2', ready, get('prometheus', 'main').get('status'))

    apply('Prometheus', 'main', {'replicas': 3, 'image': 'quay.io/prometheus/prometheus:v3.5.0', 'paused': True})
    paused = get('prometheus', 'main')
    t.check('operator: a paused Prometheus is not reconciled: generation 3, conditions still for 2',
            paused['metadata'].get('generation') == 3 and conditions(paused).get('Reconciled') == ('True', '', 2), paused.get('status'))

    apply('Alertmanager', 'broken', {'replicas': 1, 'image': 'quay.io/prometheus/alertmanager:fail-readiness'})
    # Past --ready-after, it still is not Available.
    became = t.wait_until(lambda: conditions(get('alertmanager', 'broken')).get('Available', ('',))[0] == 'True', 2)
    broken = get('alertmanager', 'broken')
    t.check('operator: an Alertmanager whose image contains fail-readiness stays Available False/NoPodReady',
            not became and conditions(broken) == {'Available': ('False', 'NoPodReady', 1), 'Reconciled': ('True', '', 1)},
            broken.get('status'))
    t.stop(proc)
    helm_crds(t)


def helm_crds(t):
    """The kube-prometheus-stack stand-ins' CRDs through real Helm: `show crds` prints them (pkg/action/show.go),
    install creates them from the crds subchart, upgrade leaves them as they were (pkg/action/upgrade.go never
    reads crds/: the reason for a CRD policy)."""
    # A cluster of its own: CRDs applied by another manager (kubectl above) would conflict with Helm 4's
    # server-side apply of them, as on a real cluster.
    proc, kubeconfig, _ = t.start_emulator('operator-helm')

    def kubectl(*args):
        return subprocess.run([selftest.KUBECTL, '--kubeconfig', kubeconfig, *args], capture_output=True, text=True, env=t.env, timeout=60)
    old, new = (os.path.join(selftest.CHARTS, f'kube-prometheus-stack-{v}') for v in ('79.12.0', '88.5.3'))
    r = t.helm('show', 'crds', new)
    t.check('show crds: the CRDs of the chart and its subcharts, each after a "---" line',
            r.returncode == 0 and r.stdout.count('kind: CustomResourceDefinition') == 10 and r.stdout.startswith('---\n')
            and 'operator.prometheus.io/version: 0.93.1' in r.stdout, r.stderr or r.stdout[:200])

    def crd_version():
        r = kubectl('get', 'crd', 'probes.monitoring.coreos.com', '-o', 'jsonpath={.metadata.annotations.operator\\.prometheus\\.io/version}')
        return r.stdout if r.returncode == 0 else r.stderr
    off = ['--set', 'alertmanager.enabled=false', '--set', 'prometheus.enabled=false', '--set', 'grafana.enabled=false']
    r = t.helm('upgrade', '--install', 'skipping', old, '-n', 'skipping', '--create-namespace', '--skip-crds', *off, kubeconfig=kubeconfig)
    t.check('install --skip-crds: the release without its CRDs (pkg/action/install.go SkipCRDs)',
            r.returncode == 0 and kubectl('get', 'crd', 'probes.monitoring.coreos.com').returncode == 1, r.stderr)
    t.helm('uninstall', 'skipping', '-n', 'skipping', kubeconfig=kubeconfig)
    r = t.helm('upgrade', '--install', 'kube-prometheus-stack', old, '-n', 'operator', '--create-namespace', '--wait', *off,
               kubeconfig=kubeconfig)
    deployment = kubectl('get', 'deployment', 'kube-prometheus-stack-operator', '-n', 'operator', '-o', 'name')
    t.check('install of the stand-in 79.12.0: its CRDs (operator 0.86.2) and the operator Deployment, named as upstream',
            r.returncode == 0 and crd_version() == '0.86.2' and deployment.returncode == 0, r.stderr or crd_version())
    r = t.helm('upgrade', 'kube-prometheus-stack', new, '-n', 'operator', '--wait', *off, kubeconfig=kubeconfig)
    t.check('upgrade to 88.5.3 leaves the CRDs at 0.86.2: Helm skips crds/ on upgrade', r.returncode == 0 and crd_version() == '0.86.2',
            r.stderr or crd_version())
    t.stop(proc)


if __name__ == '__main__':
    sys.exit(selftest.standalone(run, 'operator'))
