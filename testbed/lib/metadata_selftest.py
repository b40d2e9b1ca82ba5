"""Metadata-only reads of the emulator (client-go's metadata client), against what a real API server does.

run(t) takes the SelfTest of selftest.py and starts an emulator of its own. Upstream behaviour checked
(k8s.io/apiserver pkg/endpoints/handlers/response.go; client-go metadata/metadata.go sends the Accept headers):
  * GET with Accept "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1" answers kind
    PartialObjectMetadata, apiVersion meta.k8s.io/v1, the whole metadata (managedFields included), no spec;
  * a list with as=PartialObjectMetadataList answers a PartialObjectMetadataList whose items are
    PartialObjectMetadata, with the list's resourceVersion;
  * the first clause the server can serve wins: a view it has no transform for (another group) falls back to
    a later plain clause, and with no clause left the answer is 406 NotAcceptable; either metadata view is
    accepted on any endpoint (rest.go AllowsMediaTypeTransform), so the list view of one object is a 406.
"""
import json
import urllib.error
import urllib.request

PARTIAL = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'
PARTIAL_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'


def get(url, path, accept):
    req = urllib.request.Request(url + path, headers={'Accept': accept})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b'null')


def run(t):
    proc, kc, url = t.start_emulator('metadata')
    data = json.dumps({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'm', 'labels': {'a': 'b'}},
                       'data': {'k': 'v'}}).encode()
    req = urllib.request.Request(url + '/api/v1/namespaces/default/configmaps', data=data, method='POST',
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=10) as r:
        created = json.load(r)
    one = '/api/v1/namespaces/default/configmaps/m'

    code, obj = get(url, one, PARTIAL)
    t.check('metadata-only GET: a PartialObjectMetadata with the whole metadata and no data',
            code == 200 and obj.get('kind') == 'PartialObjectMetadata' and obj.get('apiVersion') == 'meta.k8s.io/v1'
            and obj.get('metadata') == created['metadata'] and 'data' not in obj, (code, obj))
    code, obj = get(url, '/api/v1/namespaces/default/configmaps', PARTIAL_LIST)
    items = obj.get('items') or [{}]
    t.check('metadata-only list: a PartialObjectMetadataList of PartialObjectMetadata items, with the list resourceVersion',
            code == 200 and obj.get('kind') == 'PartialObjectMetadataList' and obj['metadata'].get('resourceVersion')
            and items[0].get('kind') == 'PartialObjectMetadata' and items[0]['metadata']['uid'] == created['metadata']['uid']
            and 'data' not in items[0], (code, obj))
    code, obj = get(url, one, 'application/json;as=PartialObjectMetadata;g=example.com;v=v1,application/json')
    t.check('a view the server has no transform for falls back to the next clause (the whole object)',
            code == 200 and obj.get('kind') == 'ConfigMap' and obj.get('data') == {'k': 'v'}, (code, obj))
    code, obj = get(url, one, f'{PARTIAL_LIST},application/json')
    t.check('the list view of one object: 406 NotAcceptable, not the next clause (response.go asPartialObjectMetadataList)',
            code == 406 and obj.get('reason') == 'NotAcceptable' and 'not a list' in obj.get('message', ''), (code, obj))
    code, obj = get(url, '/api/v1/namespaces/default/configmaps', PARTIAL)
    t.check('the object view of a list: 406 NotAcceptable', code == 406 and 'is a list' in obj.get('message', ''), (code, obj))
    code, obj = get(url, one, 'application/json;as=Table;g=meta.k8s.io;v=v1')
    t.check('no clause it can serve: 406 NotAcceptable', code == 406 and obj.get('reason') == 'NotAcceptable', (code, obj))
    code, obj = get(url, one, 'application/json')
    t.check('a plain Accept still answers the whole object', code == 200 and obj.get('data') == {'k': 'v'}, (code, obj))
    t.stop(proc)
