"""What the documentation names, against what the binaries and the API documents declare.

Commands, flags and variables come from the binaries' `--experimental-dump-help`; endpoints and
fields from the two OpenAPI documents. A doc that names something that does not exist fails, and
so does an endpoint or field of the API that docs/api.md leaves out.
"""
import json
import os
import re

from deliverables.common import finish, help_dump, read

DOCS = ["README.md", "go-compat-notes.md"] + sorted(os.path.join("docs", name) for name in os.listdir("docs") if name.endswith(".md"))
OPENAPI = {"cloud": "Sources/cloud/API/openapi.json", "provisioner": "Sources/provisioner/API/openapi.json"}
API_DOC = "docs/api.md"
# Capitalised words docs/api.md puts in backticks that are not fields: the router's name for no route.
API_DOC_WORDS = {"NotFound"}
# Variables the scripts read rather than the binaries: `make run`'s and the testbed's.
SCRIPT_VARIABLES = {"CLOUD_PORT", "PROVISIONER_PORTS"}
VARIABLE = re.compile(r"\b((?:CLOUD|PROVISIONER)_[A-Z][A-Z_]*[A-Z])\b")
ENDPOINT = re.compile(r"(?<![\w.])(/(?:api|ui)/[A-Za-z0-9_{}.,/:-]*[A-Za-z0-9_}]|/healthz|/readyz|/metrics|/login|/logout)")
# A command line in a doc: `cloud`/`bin/cloud`/`provisioner` and what follows, to a pipe, a
# redirect, a `;`/`&&`, a comment or the end of the line.
INVOCATION = re.compile(r"(?:^|[ \t`$(])(?:bin/|\./)?(cloud|provisioner)((?:[ \t]+[^\s|;&#>`()]+)*)", re.MULTILINE)
# Options that may stand before the subcommand, with the value each takes.
GLOBAL = {"--server", "--ca", "--output", "-o", "--token-file", "--otel-endpoint"}
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# Flags every command takes (argument-parser's own).
BUILTIN = {"--help", "-h", "--version", "--generate-completion-script", "--experimental-dump-help"}


def commands(context, binary):
    """Every command path of `binary` (a tuple of words) -> (its option names, the variables its help names)."""
    found = {}

    def visit(command, path):
        options, variables = set(BUILTIN), set()
        for argument in command.get("arguments", []):
            options.update(("--" if n["kind"] == "long" else "-") + n["name"] for n in argument.get("names", []))
            variables.update(VARIABLE.findall(f"{argument.get('abstract', '')} {argument.get('discussion', '')}"))
        variables.update(VARIABLE.findall(f"{command.get('abstract', '')} {command.get('discussion', '')}"))
        found[path] = (options, variables, command.get("defaultSubcommand"))
        for sub in command.get("subcommands", []):
            visit(sub, path + (sub["commandName"],))

    visit(help_dump(context, binary), ())
    return found


def resolve(tree, words):
    """The command path the words start with, following a group's default subcommand; None when
    they name a subcommand the group does not have (another tool's command, or prose)."""
    path = ()
    for word in words:
        if path + (word,) in tree:
            path += (word,)
        else:
            break
    default = tree[path][2]
    if default:
        return path + (default,)
    rest = words[len(path):]
    has_subcommands = any(len(other) == len(path) + 1 and other[: len(path)] == path for other in tree)
    if has_subcommands and rest and not rest[0].startswith("-"):
        return None
    return path


def doc_texts():
    return {path: read(path) for path in DOCS if os.path.exists(path)}


def check_named_commands(context, texts):
    problems, count = [], 0
    trees = {binary: commands(context, binary) for binary in ("cloud", "provisioner")}
    every_variable = set().union(*(variables for tree in trees.values() for _, variables, _ in tree.values()))
    for path, text in texts.items():
        for binary, rest in INVOCATION.findall(text):
            words = rest.split()
            tree = trees[binary]
            leading = 0
            while leading < len(words) and words[leading].split("=", 1)[0] in GLOBAL:
                leading += 1 if "=" in words[leading] else 2
            command = resolve(tree, words[leading:])
            if command is None:
                continue
            options = tree[command][0]
            # Global options may stand before the subcommand: they belong to the command it names.
            for word in words:
                flag = word.split("=", 1)[0]
                if flag.startswith("-") and not re.fullmatch(r"-[a-z]|--[a-z][a-z0-9-]*", flag):
                    continue
                if flag.startswith("-"):
                    count += 1
                    if flag not in options:
                        problems.append(f"{path}: `{' '.join((binary,) + command)}` has no option {flag}")
        # The option tables: docs/provisioner.md's are the provisioner's.
        if path == "docs/provisioner.md":
            for flag in re.findall(r"^\| `(--[a-z][a-z0-9-]*)`", text, re.MULTILINE):
                count += 1
                if flag not in trees["provisioner"][()][0]:
                    problems.append(f"{path}: the provisioner has no option {flag}")
        for variable in set(VARIABLE.findall(text)):
            count += 1
            if variable not in every_variable and variable not in SCRIPT_VARIABLES:
                problems.append(f"{path}: {variable} is named in no command's help")
    return problems, count


def openapi():
    """(path templates, property names, and every name a document may use for a field: those,
    enum values and schema names) of both API documents."""
    paths, properties, known = {}, set(), set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    properties.update(value.keys())
                if key == "enum" and isinstance(value, list):
                    known.update(str(item) for item in value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for name, path in OPENAPI.items():
        document = json.loads(read(path))
        known.update(document.get("components", {}).get("schemas", {}).keys())
        for template, operations in document["paths"].items():
            paths.setdefault(template, set()).update(m.upper() for m in operations if m in METHODS)
        walk(document)
    return paths, properties, known | properties


def expand(written):
    """`/api/rollout/{id}/{pause,resume}`: each path it names."""
    group = re.search(r"\{([a-z-]+(?:,[a-z-]+)+)\}", written)
    if not group:
        return [written]
    return [path for choice in group.group(1).split(",") for path in expand(written[: group.start()] + choice + written[group.end():])]


def template_matches(template, path):
    pattern = "^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template)) + "$"
    return re.match(pattern, path) is not None


def check_endpoints(texts):
    problems, count = [], 0
    paths, properties, known = openapi()
    pages = set()
    for text in texts.values():
        pages.update(re.findall(r"(/ui/[a-z/{}]*)", text))
    for path, text in texts.items():
        for written in set(ENDPOINT.findall(text)):
            for endpoint in expand(written.split("?")[0].rstrip(".:,")):
                count += 1
                # `/ui/static/...` names the paths under it.
                if not any(template_matches(template, endpoint) or template.startswith(endpoint + "/") for template in paths):
                    problems.append(f"{path}: {endpoint} is no endpoint of either API")
    api = texts.get(API_DOC, "")
    named = {path for written in ENDPOINT.findall(api) for path in expand(written.split("?")[0].rstrip(".:,"))}
    for template, methods in sorted(paths.items()):
        count += 1
        # The dashboard's root is named as `GET /`, which no path pattern can pick out of prose.
        covered = re.search(r"GET /[`\s(]", api) if template == "/" else any(path == template or template_matches(template, path) for path in named)
        if not covered:
            problems.append(f"{API_DOC}: leaves out {' '.join(sorted(methods))} {template}")
    fields = {name for name in properties if re.fullmatch(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*", name)}
    for name in sorted(fields):
        count += 1
        if not re.search(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", api):
            problems.append(f"{API_DOC}: leaves out the field {name}")
    # And the other way: a field api.md names (`Field`, or "Field" in a JSON shape) is one of theirs.
    named_fields = set(re.findall(r"`([A-Z][a-z][A-Za-z0-9]*)`", api)) | set(re.findall(r'"([A-Z][a-z][A-Za-z0-9]*)"', api))
    for name in sorted(named_fields - known - API_DOC_WORDS):
        count += 1
        problems.append(f"{API_DOC}: names a field {name} that neither API has")
    return problems, count


def check_docs(context):
    texts = doc_texts()
    problems, count = check_named_commands(context, texts)
    more, counted = check_endpoints(texts)
    return finish(problems + more, f"{count + counted} commands, options, variables, endpoints and fields the docs name exist, and api.md covers the API")
