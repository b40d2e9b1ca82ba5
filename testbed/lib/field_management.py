"""Server-side apply and managedFields for the emulator (kube_emulator.py), as the API server does them."""
import collections
import copy
import json

from api_errors import ApiError, _now

#
# What the API server does, after k8s.io/apimachinery/pkg/util/managedfields/internal (fieldmanager.go and the
# managers it chains: stripmeta.go, managedfieldsupdater.go, buildmanagerinfo.go, capmanagers.go; conflict.go,
# managedfields.go) and ../scalehandler.go, over sigs.k8s.io/structured-merge-diff (merge/update.go Update, Apply
# and prune; typed/tofieldset.go, compare.go, merge.go, remove.go; fieldpath/serialize.go, element.go), with a
# small table of the list and map types of the built-in kinds (k8s.io/api +listType/+listMapKey/+mapType/
# +structType markers) in place of the OpenAPI schema. Field sets are kept in their FieldsV1 form: a node is a
# dict of path elements ("f:name", 'k:{"name":"x"}', 'v:"a"') to nodes; a node is a member when it is {} or
# has a "." key. metadata.managedFields holds them and nothing else is stored.

_MISSING = object()
ATOMIC = ('atomic',)  # owned whole: a scalar, an atomic list/map/struct
SET = ('set',)        # x-kubernetes-list-type: set (items "v:<json>")


def _m(**fields):
    """A granular map (a struct); fields not named here are deduced: maps granular, lists atomic."""
    return ('map', fields)


def _l(keys, elem=None, **defaults):
    """x-kubernetes-list-type: map with these x-kubernetes-list-map-keys (defaults: key values when absent)."""
    return ('list', tuple(keys), elem, defaults)


_OBJECT_META = _m(finalizers=SET, ownerReferences=_l(['uid'], ATOMIC))
_KEY_SELECTOR = ATOMIC  # ConfigMapKeySelector, SecretKeySelector, ObjectFieldSelector...: +structType=atomic
_CONTAINER = _m(
    ports=_l(['containerPort', 'protocol'], protocol='TCP'),
    env=_l(['name'], _m(valueFrom=_m(configMapKeyRef=_KEY_SELECTOR, secretKeyRef=_KEY_SELECTOR, fieldRef=_KEY_SELECTOR,
                                     resourceFieldRef=_KEY_SELECTOR, fileKeyRef=_KEY_SELECTOR))),
    volumeMounts=_l(['mountPath']), volumeDevices=_l(['devicePath']), resources=_m(claims=_l(['name'])))
_POD_SPEC = _m(
    containers=_l(['name'], _CONTAINER), initContainers=_l(['name'], _CONTAINER),
    ephemeralContainers=_l(['name'], _CONTAINER), volumes=_l(['name']),
    imagePullSecrets=_l(['name'], ATOMIC), hostAliases=_l(['ip']), schedulingGates=_l(['name']),
    resourceClaims=_l(['name']), nodeSelector=ATOMIC,
    topologySpreadConstraints=_l(['topologyKey', 'whenUnsatisfiable'], _m(labelSelector=ATOMIC)),
    affinity=_m(nodeAffinity=_m(requiredDuringSchedulingIgnoredDuringExecution=ATOMIC)))
_POD_TEMPLATE = _m(metadata=_OBJECT_META, spec=_POD_SPEC)
_JOB_SPEC = _m(selector=ATOMIC, template=_POD_TEMPLATE)
_WEBHOOK = _l(['name'], _m(namespaceSelector=ATOMIC, objectSelector=ATOMIC, matchConditions=_l(['name'])))
_SCHEMAS = {  # (group, kind) -> type; LabelSelector is +structType=atomic, Service/Pod selectors +mapType=atomic
    **{('apps', k): _m(metadata=_OBJECT_META, spec=_m(selector=ATOMIC, template=_POD_TEMPLATE))
       for k in ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet')},
    ('batch', 'Job'): _m(metadata=_OBJECT_META, spec=_JOB_SPEC),
    ('batch', 'CronJob'): _m(metadata=_OBJECT_META, spec=_m(jobTemplate=_m(metadata=_OBJECT_META, spec=_JOB_SPEC))),
    ('', 'Pod'): _m(metadata=_OBJECT_META, spec=_POD_SPEC),
    ('', 'PodTemplate'): _m(metadata=_OBJECT_META, template=_POD_TEMPLATE),
    ('', 'ReplicationController'): _m(metadata=_OBJECT_META, spec=_m(selector=ATOMIC, template=_POD_TEMPLATE)),
    ('', 'Service'): _m(metadata=_OBJECT_META, spec=_m(ports=_l(['port', 'protocol'], protocol='TCP'), selector=ATOMIC)),
    ('', 'ServiceAccount'): _m(metadata=_OBJECT_META, secrets=_l(['name'], ATOMIC)),
    ('rbac.authorization.k8s.io', 'RoleBinding'): _m(metadata=_OBJECT_META, roleRef=ATOMIC),
    ('rbac.authorization.k8s.io', 'ClusterRoleBinding'): _m(metadata=_OBJECT_META, roleRef=ATOMIC),
    ('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'): _m(metadata=_OBJECT_META, webhooks=_WEBHOOK),
    ('admissionregistration.k8s.io', 'MutatingWebhookConfiguration'): _m(metadata=_OBJECT_META, webhooks=_WEBHOOK),
    ('policy', 'PodDisruptionBudget'): _m(metadata=_OBJECT_META, spec=_m(selector=ATOMIC)),
    ('networking.k8s.io', 'NetworkPolicy'): _m(metadata=_OBJECT_META, spec=_m(podSelector=ATOMIC)),
}
_DEFAULT_SCHEMA = _m(metadata=_OBJECT_META)  # anything else (ConfigMap, Secret, Role rules, CRs...): deduced
# What a create starts from: the kind's Go zero value has these (empty) structs, so an Update entry made on
# create carries no "." for them (f:spec, f:template...), as on a real server.
# (PodSpec.containers has no omitempty: null in the zero value, so no "." either.)
_TEMPLATE_SEED = {'metadata': {}, 'spec': {'template': {'metadata': {}, 'spec': {'containers': []}}}}
_CREATE_SEEDS = {('apps', k): _TEMPLATE_SEED for k in ('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet')}
_CREATE_SEEDS[('batch', 'Job')] = _TEMPLATE_SEED
_CREATE_SEEDS[('', 'Pod')] = {'metadata': {}, 'spec': {'containers': []}}
# Never owned (internal/stripmeta.go); the server-set metadata is left out of every comparison.
_STRIP = {'f:apiVersion': {}, 'f:kind': {}, 'f:metadata': {
    '.': {}, 'f:name': {}, 'f:namespace': {}, 'f:creationTimestamp': {}, 'f:selfLink': {}, 'f:uid': {},
    'f:clusterName': {}, 'f:generation': {}, 'f:managedFields': {}, 'f:resourceVersion': {}}}
_SERVER_META = frozenset({'managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink',
                          'clusterName', 'deletionTimestamp', 'deletionGracePeriodSeconds'})
_REPLICAS = {'f:spec': {'f:replicas': {}}}
MAX_UPDATE_MANAGERS = 10  # internal/fieldmanager.go DefaultMaxUpdateManagers; older ones merge into "ancient-changes"
FIELD_MANAGER_MAX_LENGTH = 128  # apimachinery/pkg/apis/meta/v1/validation FieldManagerMaxLength


def _schema(group, kind):
    return _SCHEMAS.get((group, kind), _DEFAULT_SCHEMA)


def _shape(value, typ):
    """How a value is walked: 'leaf' (scalar or atomic), 'map', 'list' (keyed), 'set'."""
    if typ is ATOMIC:
        return 'leaf'
    if isinstance(value, dict):
        return 'map' if typ is None or typ[0] == 'map' else 'leaf'
    if isinstance(value, list):
        if typ is not None and typ[0] == 'list':
            return 'list'
        return 'set' if typ is SET else 'leaf'  # deduced lists are atomic
    return 'leaf'


def _field_type(typ, key):
    return typ[1].get(key) if typ is not None and typ[0] == 'map' else None


def _json_value(v):
    """A value as fieldpath serializes it (Go encoding/json: compact, HTML-escaped)."""
    return (json.dumps(v, separators=(',', ':'), ensure_ascii=False)
            .replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026'))


def _item_pe(item, typ):
    """The path element of a list item: 'k:{...}' of its sorted key fields, or 'v:<json>' in a set."""
    if typ is SET:
        if isinstance(item, (dict, list)):
            raise ValueError('associative list without keys has an element that\'s a map type')
        return 'v:' + _json_value(item)
    keys, defaults = typ[1], typ[3]
    if not isinstance(item, dict):
        raise ValueError('associative list with keys may not have non-map elements')
    fields = [(k, item[k] if k in item else defaults[k]) for k in sorted(keys) if k in item or k in defaults]
    if not fields:
        raise ValueError(f'associative list with keys has an element that omits all key fields {list(keys)!r} '
                         '(and doesn\'t have default values for any key fields)')
    return 'k:{' + ','.join(f'{_json_value(k)}:{_json_value(v)}' for k, v in fields) + '}'


def _is_member(node):
    return not node or '.' in node


def _pe_rank(pe):
    return ({'.': 0, 'f': 1, 'k': 2, 'v': 3, 'i': 4}.get(pe[0], 5), pe)


def _node(member, kids):
    """A FieldsV1 node from its membership and children (None: nothing), children in fieldpath order."""
    if not kids:
        return {} if member else None
    node = {'.': {}} if member else {}
    for k in sorted(kids, key=_pe_rank):
        node[k] = kids[k]
    return node


def _kids(node):
    return {k: v for k, v in node.items() if k != '.'}


def _t_union(a, b, root=False):
    ka, kb = _kids(a), _kids(b)
    kids = {k: (_t_union(ka[k], kb[k]) if k in ka and k in kb else ka[k] if k in ka else kb[k]) for k in ka.keys() | kb.keys()}
    node = _node(not root and (_is_member(a) or _is_member(b)), kids)
    return node if node is not None or not root else {}


def _t_diff(a, b, root=False):
    """The members of a that are not members of b (fieldpath.Set.Difference)."""
    ka, kb = _kids(a), _kids(b)
    kids = {}
    for k, v in ka.items():
        r = _t_diff(v, kb[k]) if k in kb else v
        if r is not None:
            kids[k] = r
    node = _node(not root and _is_member(a) and not _is_member(b), kids)
    return node if node is not None or not root else {}


def _t_inter(a, b, root=False):
    ka, kb = _kids(a), _kids(b)
    kids = {}
    for k in ka.keys() & kb.keys():
        r = _t_inter(ka[k], kb[k])
        if r is not None:
            kids[k] = r
    node = _node(not root and _is_member(a) and _is_member(b), kids)
    return node if node is not None or not root else {}


def _t_insert(root, path):
    """Mark a path a member of a set under construction (members carry "."; see _t_clean)."""
    node = root
    for pe in path:
        node = node.setdefault(pe, {})
    node['.'] = {}


def _t_clean(root):
    """A set built with _t_insert as FieldsV1."""
    def clean(node):
        return _node('.' in node, {k: c for k, v in node.items() if k != '.' and (c := clean(v)) is not None})
    return _node(False, {k: c for k, v in root.items() if k != '.' and (c := clean(v)) is not None}) or {}


def _t_paths(node, prefix=()):
    """Member paths in fieldpath.Set.Iterate order: a node's members, then its children's."""
    kids = sorted(_kids(node), key=_pe_rank)
    for k in kids:
        if _is_member(node[k]):
            yield prefix + (k,)
    for k in kids:
        if _kids(node[k]):
            yield from _t_paths(node[k], prefix + (k,))


def _go_value(v):
    """value.ToString: strings quoted (%q), numbers and booleans bare."""
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if v is None:
        return 'null'
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _path_string(path):
    """fieldpath.Path.String: .spec.replicas, .containers[name="x"], .finalizers[="a"]."""
    out = []
    for pe in path:
        if pe.startswith('f:'):
            out.append('.' + pe[2:])
        elif pe.startswith('k:'):
            out.append('[' + ','.join(f'{k}={_go_value(v)}' for k, v in json.loads(pe[2:]).items()) + ']')
        elif pe.startswith('v:'):
            out.append('[=' + _go_value(json.loads(pe[2:])) + ']')
        else:
            out.append(f'[{pe[2:]}]')
    return ''.join(out)


def _same(a, b):
    """Equality of JSON values that tells booleans from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) in (int, float) and type(b) in (int, float) and a == b or (type(a) is type(b) and a == b)


def _item_pes(items, typ, path, strict=False):
    """The path elements of a list's items; errors as structured-merge-diff words them (PATH: element I: ...,
    PATH: duplicate entries for key [...] when strict, as in an applied configuration)."""
    pes, seen = [], set()
    for i, item in enumerate(items):
        try:
            pe = _item_pe(item, typ)
        except ValueError as e:
            raise ValueError(f'{_path_string(path)}: element {i}: {e}')
        if strict and pe in seen:
            raise ValueError(f'{_path_string(path)}: duplicate entries for key {_path_string([pe])}')
        seen.add(pe)
        pes.append(pe)
    return pes


def field_set(value, typ, strict=False):
    """The fields a value sets (typed/tofieldset.go), as FieldsV1; strict: duplicate list keys are an error."""
    def walk(v, t, path):
        shape = _shape(v, t)
        kids = {}
        if shape == 'map':
            for k, cv in v.items():
                ct = _field_type(t, k)
                member, ck = walk(cv, ct, path + ('f:' + k,))
                node = _node(member or cv is None or cv == {}, ck)
                if node is not None:
                    kids['f:' + k] = node
            return False, kids
        if shape == 'list':
            pes = _item_pes(v, t, path, strict)
            seen = collections.Counter(pes)
            for item, pe in zip(v, pes):
                if seen[pe] > 1:  # duplicates: owned as one item
                    kids[pe] = {}
                else:
                    kids[pe] = _node(True, walk(item, t[2], path + (pe,))[1])
            return False, kids
        if shape == 'set':
            return False, {pe: {} for pe in _item_pes(v, SET, path, strict)}
        return True, kids
    return _node(False, walk(value, typ, ())[1]) or {}


def compare(lhs, rhs, typ):
    """(added, modified, removed) from lhs to rhs (typed/compare.go); None values count as absent."""
    added, modified, removed = {}, {}, {}

    def leaf(lv, rv, path):
        if lv is _MISSING:
            _t_insert(added, path)
        elif rv is _MISSING:
            _t_insert(removed, path)
        elif not _same(lv, rv):
            _t_insert(modified, path)

    def walk(lv, rv, t, path):
        lv = _MISSING if lv is None else lv
        rv = _MISSING if rv is None else rv
        if lv is _MISSING and rv is _MISSING:
            return
        ls = _shape(lv, t) if lv is not _MISSING else None
        rs = _shape(rv, t) if rv is not _MISSING else None
        shape = ls or rs
        if (ls and rs and ls != rs) or shape == 'leaf' or (not lv and not rv):  # empty on both sides: a leaf
            leaf(lv, rv, path)
            return
        if shape == 'map':
            lm, rm = (lv if lv is not _MISSING else {}), (rv if rv is not _MISSING else {})
            for k in list(lm) + [k for k in rm if k not in lm]:
                walk(lm.get(k, _MISSING), rm.get(k, _MISSING), _field_type(t, k), path + ('f:' + k,))
        else:
            et = SET if shape == 'set' else t
            lgroups, rgroups = collections.defaultdict(list), collections.defaultdict(list)
            litems, ritems = (lv if lv is not _MISSING else []), (rv if rv is not _MISSING else [])
            for item, pe in zip(litems, _item_pes(litems, et, path)):
                lgroups[pe].append(item)
            for item, pe in zip(ritems, _item_pes(ritems, et, path)):
                rgroups[pe].append(item)
            for pe in list(lgroups) + [p for p in rgroups if p not in lgroups]:
                li, ri = lgroups.get(pe, []), rgroups.get(pe, [])
                if len(li) <= 1 and len(ri) <= 1:
                    walk(li[0] if li else _MISSING, ri[0] if ri else _MISSING,
                         None if shape == 'set' else t[2], path + (pe,))
                elif len(li) >= 2 and len(ri) >= 2:
                    if not _same(li, ri):
                        _t_insert(modified, path + (pe,))
                elif len(li) >= 2:
                    _t_insert(removed, path + (pe,))
                else:
                    _t_insert(added, path + (pe,))
        if path and lv is _MISSING:
            _t_insert(added, path)
        elif path and rv is _MISSING:
            _t_insert(removed, path)

    walk(lhs, rhs, typ, ())
    return _t_clean(added), _t_clean(modified), _t_clean(removed)


def _merge_order(lpes, rpes):
    """The order of a merged associative list (typed/merge.go visitListItems): items only in the live list keep
    their place ahead of the applied ones that follow them; applied items come in the applied order."""
    rset, out, done = set(rpes), [], set()
    i = j = 0
    while i < len(lpes) or j < len(rpes):
        if i < len(lpes):
            pe = lpes[i]
            if pe in done:
                i += 1
                continue
            if pe not in rset:
                out.append(pe)
                done.add(pe)
                i += 1
                continue
        if j < len(rpes):
            pe = rpes[j]
            j += 1
            if pe not in done:
                out.append(pe)
                done.add(pe)
        else:
            i += 1
    return out


def merge(lhs, rhs, typ, path=()):
    """The live object merged with an applied configuration (typed/merge.go): the configuration's values win,
    maps and keyed lists merge, atomic values are replaced; a null in the configuration removes the field."""
    if rhs is _MISSING:
        return lhs
    if rhs is None:
        return _MISSING
    if lhs is _MISSING or lhs is None:
        return _drop_nulls(rhs)
    ls, rs = _shape(lhs, typ), _shape(rhs, typ)
    if ls != rs or rs == 'leaf' or (not lhs and not rhs):
        return _drop_nulls(rhs)
    if rs == 'map':
        out = {}
        for k in list(lhs) + [k for k in rhs if k not in lhs]:
            v = merge(lhs.get(k, _MISSING), rhs.get(k, _MISSING), _field_type(typ, k), path + ('f:' + k,))
            if v is not _MISSING:
                out[k] = v
        return out
    et = SET if rs == 'set' else typ
    lpes, rpes = _item_pes(lhs, et, path), _item_pes(rhs, et, path, strict=True)
    litems, ritems = {}, dict(zip(rpes, rhs))
    for item, pe in zip(lhs, lpes):
        litems.setdefault(pe, item)
    out = []
    for pe in _merge_order(lpes, rpes):
        if pe in ritems:
            v = merge(litems.get(pe, _MISSING), ritems[pe], None if rs == 'set' else typ[2], path + (pe,))
            if v is not _MISSING:
                out.append(v)
        else:
            out.extend(item for item, p in zip(lhs, lpes) if p == pe)
    return out


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def prune(value, last, managed, typ):
    """Remove what the applier applied last time (last), no longer applies and nobody else manages (merge/update.go
    prune: a field in last's tree, absent from every manager's tree, goes with everything under it). Copy-on-write."""
    shape = _shape(value, typ)
    if shape == 'map':
        out = None
        for k, v in value.items():
            pe = 'f:' + k
            if pe not in last:
                continue
            if out is None:
                out = dict(value)
            if pe not in managed:
                del out[k]
            elif _kids(last[pe]):
                out[k] = prune(v, last[pe], managed[pe], _field_type(typ, k))
        return value if out is None else out
    if shape in ('list', 'set'):
        et = SET if shape == 'set' else typ
        out = []
        for item in value:
            pe = _item_pe(item, et)
            if pe not in last:
                out.append(item)
            elif pe in managed:
                out.append(prune(item, last[pe], managed[pe], None if shape == 'set' else typ[2])
                           if _kids(last[pe]) else item)
        return out
    return value


def prefix_from_user_agent(user_agent):
    """The manager of a request without fieldManager (apiserver endpoints/handlers/create.go prefixFromUserAgent):
    the User-Agent up to its first "/", printable characters only, at most 128 bytes."""
    out = ''
    for ch in (user_agent or '').split('/')[0]:
        if not ch.isprintable():
            continue
        if len((out + ch).encode()) > FIELD_MANAGER_MAX_LENGTH:
            break
        out += ch
    return out


def _identity(entry):
    """internal/managedfields.go BuildManagerIdentifier: the apiVersion is part of an Update manager only."""
    op = entry.get('operation')
    return (entry.get('manager') or '', op, entry.get('subresource') or '', entry.get('apiVersion') if op == 'Update' else '')


def _identifier_json(ident):
    """The manager identifier as BuildManagerIdentifier marshals it (its sort order in conflict messages)."""
    manager, op, sub, api_version = ident
    d = {'manager': manager, 'operation': op}
    if api_version:
        d['apiVersion'] = api_version
    if sub:
        d['subresource'] = sub
    return json.dumps(d, separators=(',', ':'))


def _print_manager(ident):
    """internal/conflict.go printManager (the identifier has no time)."""
    manager, op, sub, api_version = ident
    text = json.dumps(manager) + (f' with subresource {json.dumps(sub)}' if sub else '')
    return f'{text} using {api_version}' if op == 'Update' else text


def conflict_error(conflicts):
    """409 Conflict as internal/conflict.go NewConflictError; conflicts: [(identity, path)]."""
    causes = [{'reason': 'FieldManagerConflict', 'message': f'conflict with {_print_manager(ident)}',
               'field': _path_string(path)} for ident, path in conflicts]
    if len(conflicts) == 1:
        message = f'Apply failed with 1 conflict: conflict with {_print_manager(conflicts[0][0])}: {causes[0]["field"]}'
    else:
        by_manager, idents = collections.defaultdict(list), {}
        for ident, path in conflicts:
            by_manager[_print_manager(ident)].append(_path_string(path))
            idents[_print_manager(ident)] = _identifier_json(ident)
        lines = []
        for manager in sorted(by_manager, key=lambda m: idents[m]):
            lines.append(f'conflicts with {manager}:')
            lines.extend(f'- {p}' for p in by_manager[manager])
        message = f'Apply failed with {len(conflicts)} conflicts: ' + '\n'.join(lines)
    return ApiError(409, 'Conflict', message, {'causes': causes})


def _entry(ident, fields, api_version, time_):
    manager, op, sub, _ = ident
    entry = {'manager': manager, 'operation': op, 'apiVersion': api_version}
    if time_:
        entry['time'] = time_
    entry.update(fieldsType='FieldsV1', fieldsV1=fields)
    if sub:
        entry['subresource'] = sub
    return entry


def _sorted_entries(entries):
    """internal/managedfields.go sortEncodedManagedFields: Apply first, then by time, manager, apiVersion..."""
    def key(e):
        t = e.get('time') or ''
        return (e.get('operation') or '', t or '0', e.get('manager') or '', e.get('apiVersion') or '', e.get('subresource') or '')
    return sorted(entries, key=key)


def decode_managed_fields(entries):
    """{identity: entry} of valid entries, or None if any is invalid (as DecodeManagedFields fails)."""
    if not isinstance(entries, list):
        return None
    out = {}
    for e in entries:
        if (not isinstance(e, dict) or e.get('operation') not in ('Apply', 'Update') or not e.get('apiVersion')
                or e.get('fieldsType') != 'FieldsV1' or not isinstance(e.get('fieldsV1') or {}, dict)):
            return None
        out[_identity(e)] = dict(e, fieldsV1=e.get('fieldsV1') or {})
    return out


def cap_update_managers(managed):
    """internal/capmanagers.go: at most 10 Update entries; the oldest merge into "ancient-changes" per apiVersion."""
    updaters = [i for i, e in managed.items() if e['operation'] == 'Update']
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return
    updaters.sort(key=lambda i: (managed[i].get('time') or '', json.dumps(i)))
    first_of_version, length = {}, len(updaters)
    for ident in updaters:
        if length <= MAX_UPDATE_MANAGERS:
            break
        entry = managed[ident]
        version = entry['apiVersion']
        bucket = ('ancient-changes', 'Update', '', version)
        if version not in first_of_version:
            first_of_version[version] = ident
            continue
        if bucket not in managed:
            first = managed.pop(first_of_version[version])
            managed[bucket] = _entry(bucket, first['fieldsV1'], version, first.get('time'))
        managed[bucket] = _entry(bucket, _t_union(entry['fieldsV1'], managed[bucket]['fieldsV1'], root=True),
                                 version, entry.get('time'))
        del managed[ident]
        length -= 1


def _compare_view(obj, subresource, ignore_status):
    """What field management compares: no apiVersion/kind or server-set metadata; status only for /status,
    and none on the main resource of a kind with a status subresource (its strategy's reset fields)."""
    if subresource == 'status':
        return {'status': obj['status']} if obj.get('status') is not None else {}
    view = {k: v for k, v in obj.items() if k not in ('apiVersion', 'kind') and not (ignore_status and k == 'status')}
    if isinstance(view.get('metadata'), dict):
        view['metadata'] = {k: v for k, v in view['metadata'].items() if k not in _SERVER_META}
    return view


def _create_seed(group, kind, new):
    """The kind's zero value as an Update on create compares against (an empty object with its structs)."""
    seed = _CREATE_SEEDS.get((group, kind))
    if seed is None:
        seed = {'metadata': {}, 'spec': {}} if isinstance(new.get('spec'), dict) else {'metadata': {}}
    return seed


def manage_update(old, new, group, kind, api_version, manager, subresource, ignore_status):
    """The managedFields of an Update operation (a create when old is None, an update, a patch, a /status
    write), set in new: what the write changed leaves every other manager and joins the manager's Update entry
    (internal/fieldmanager.go Update, managedfieldsupdater.go, merge/update.go Updater.Update, capmanagers.go)."""
    meta = new.setdefault('metadata', {})
    sent = meta.get('managedFields') if subresource is None else None
    managed = None
    if isinstance(sent, list) and (not sent or sent == [{}]):  # isResetManagedFields
        managed = {}
    elif sent:
        managed = decode_managed_fields(sent) or None  # managedFields a client sets itself (csaupgrade) are used
    if managed is None:
        managed = decode_managed_fields(((old or {}).get('metadata') or {}).get('managedFields') or []) or {}
    typ = _schema(group, kind)
    live = _compare_view(old, subresource, ignore_status) if old is not None else _create_seed(group, kind, new)
    try:
        added, modified, removed = compare(live, _compare_view(new, subresource, ignore_status), typ)
    except ValueError:  # e.g. a keyed list item without its key: FieldManager.UpdateNoErrors keeps the live entries
        _set_managed_fields(new, decode_managed_fields(((old or {}).get('metadata') or {}).get('managedFields') or []) or {})
        return
    changed = _t_union(added, modified, root=True)
    for ident, entry in list(managed.items()):
        fields = _t_diff(_t_diff(entry['fieldsV1'], changed, root=True), removed, root=True)
        if fields:
            managed[ident] = dict(entry, fieldsV1=fields)
        else:
            del managed[ident]
    own = _t_diff(changed, _STRIP, root=True)
    if own:
        ident = (manager or 'unknown', 'Update', subresource or '', api_version)
        previous = managed.get(ident)
        managed[ident] = _entry(ident, _t_union(own, previous['fieldsV1'], root=True) if previous else own,
                                api_version, _now())
    cap_update_managers(managed)
    _set_managed_fields(new, managed)


def _set_managed_fields(obj, managed):
    entries = _sorted_entries(managed.values())
    meta = obj.setdefault('metadata', {})
    if entries:
        meta['managedFields'] = entries
    else:
        meta.pop('managedFields', None)


def server_side_apply(old, config, group, kind, api_version, manager, force, subresource, ignore_status, where):
    """Server-side apply (internal/fieldmanager.go Apply, structuredmerge.go, merge/update.go Updater.Apply):
    the manager's Apply entry becomes exactly the configuration's fields; what it applied before, no longer
    applies and nobody else manages is removed; a value it changes that another manager owns is a conflict
    (409) unless force, which takes the field from them. Returns (object, changed): the object to store
    (managedFields set; old itself when nothing changed)."""
    cmeta = config.get('metadata') if isinstance(config.get('metadata'), dict) else {}
    if cmeta.get('managedFields') is not None:
        raise ApiError(400, 'BadRequest', 'metadata.managedFields must be nil')
    if config.get('apiVersion') not in (None, api_version):
        raise ApiError(400, 'BadRequest', 'Incorrect version specified in apply patch. '
                                          f'Specified patch version: {config["apiVersion"]}, expected: {api_version}')
    typ = _schema(group, kind)
    ident = (manager, 'Apply', subresource or '', '')
    try:
        applied = _t_diff(field_set(_compare_view(config, subresource, ignore_status), typ, strict=True), _STRIP, root=True)
        if old is None:
            merged, managed, changed = _drop_nulls(config), {}, True
        else:
            managed = decode_managed_fields((old.get('metadata') or {}).get('managedFields') or []) or {}
            last = (managed.get(ident) or {}).get('fieldsV1')
            live = dict(old, metadata={k: v for k, v in (old.get('metadata') or {}).items() if k != 'managedFields'})
            merged = merge(live, config, typ)
            managed[ident] = {'fieldsV1': applied}
            if last:
                owned = {}
                for entry in managed.values():
                    owned = _t_union(owned, entry['fieldsV1'], root=True)
                merged = prune(merged, last, owned, typ)
            added, modified, removed = compare(_compare_view(old, subresource, ignore_status),
                                               _compare_view(merged, subresource, ignore_status), typ)
            changed_fields = _t_union(added, modified, root=True)
            conflicts = []
            for other, entry in managed.items():
                if other != ident:
                    taken = _t_inter(entry['fieldsV1'], changed_fields, root=True)
                    conflicts.extend((other, path) for path in _t_paths(taken))
            if conflicts and not force and manager == 'kubectl':
                # internal/lastappliedmanager.go: kubectl's first server-side apply over its client-side apply
                # may take the fields its last-applied-configuration annotation set and the object still has.
                allowed = _last_applied_fields(old, api_version, typ, subresource, ignore_status)
                if allowed is not None:
                    conflicts = [c for c in conflicts if not _t_has(allowed, c[1])]
                    force = not conflicts
            if conflicts and not force:
                raise conflict_error(sorted(conflicts, key=lambda c: _identifier_json(c[0])))
            for other, entry in list(managed.items()):
                if other != ident:
                    fields = _t_diff(_t_diff(entry['fieldsV1'], changed_fields, root=True), removed, root=True)
                    if fields:
                        managed[other] = dict(entry, fieldsV1=fields)
                    else:
                        del managed[other]
            changed = bool(added or modified or removed)
    except ValueError as e:
        raise ApiError(500, 'InternalError', f'Internal error occurred: failed to create typed patch object ({where}): {e}')
    annotations = (merged.get('metadata') or {}).get('annotations') or {}
    if manager == 'kubectl' and annotations.get(LAST_APPLIED):
        # internal/lastappliedupdater.go: kubectl's server-side apply keeps its client-side annotation current.
        la = copy.deepcopy(config)
        la_annotations = (la.get('metadata') or {}).get('annotations')
        if isinstance(la_annotations, dict):
            la_annotations.pop(LAST_APPLIED, None)
        merged['metadata']['annotations'] = dict(annotations, **{LAST_APPLIED: _go_json(la) + '\n'})
        if old is not None and merged['metadata']['annotations'] != (old['metadata'].get('annotations') or {}):
            changed = True
    before = decode_managed_fields(((old or {}).get('metadata') or {}).get('managedFields') or []) or {}
    previous_time = (before.get(ident) or {}).get('time')
    if applied:
        managed[ident] = _entry(ident, applied, api_version, _now() if changed else previous_time)
    else:
        managed.pop(ident, None)
    _set_managed_fields(merged, managed)
    if old is not None and not changed and merged['metadata'].get('managedFields') == old['metadata'].get('managedFields'):
        return old, False
    return merged, True


LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'


def _go_json(value):
    """encoding/json of an unstructured object: sorted keys, compact, HTML-escaped."""
    return (json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
            .replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026'))


def _t_has(node, path):
    for pe in path:
        if pe not in node:
            return False
        node = node[pe]
    return _is_member(node)


def _last_applied_fields(old, api_version, typ, subresource, ignore_status):
    """The fields of the live object's last-applied-configuration that still hold its values (None: none)."""
    text = ((old.get('metadata') or {}).get('annotations') or {}).get(LAST_APPLIED)
    try:
        last = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(last, dict) or last.get('apiVersion') != api_version:
        return None
    view = _compare_view(last, subresource, ignore_status)
    try:
        added, modified, removed = compare(view, _compare_view(old, subresource, ignore_status), typ)
        fields = field_set(view, typ)
    except ValueError:
        return None
    return _t_diff(_t_diff(_t_diff(fields, modified, root=True), added, root=True), removed, root=True)


def scale_managed_fields(obj, manager, api_version, replicas_changed):
    """The scale subresource (managedfields/scalehandler.go): a change of replicas takes .spec.replicas from
    every other entry; the scaler's entry is {manager, Update, the parent's apiVersion, subresource: scale}
    with no time (ToParent takes the time of a parent entry, and there is none under that identifier)."""
    if not replicas_changed:
        return
    managed = decode_managed_fields((obj.get('metadata') or {}).get('managedFields') or []) or {}
    ident = (manager or 'unknown', 'Update', 'scale', api_version)
    for other, entry in list(managed.items()):
        fields = _t_diff(entry['fieldsV1'], _REPLICAS, root=True)
        if other == ident or not fields:
            del managed[other]
        elif fields != entry['fieldsV1']:
            managed[other] = dict(entry, fieldsV1=fields)
    managed[ident] = _entry(ident, copy.deepcopy(_REPLICAS), api_version, None)
    _set_managed_fields(obj, managed)
