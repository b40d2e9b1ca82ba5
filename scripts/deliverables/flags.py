"""The flags and variables the manifests and the Dockerfile pass, against the binaries' own."""
import re

from deliverables.common import Failed, finish, help_dump
from deliverables.dockerfile import DOCKERFILE, dockerfile
from deliverables.manifests import COMMANDS, documents, find

ENV_VARIABLE = re.compile(r"\b((?:CLOUD|PROVISIONER)_[A-Z_]+)\b")


def command_help(context, binary, path):
    """(long option names, environment variables) of `binary path...`, from its
    `--experimental-dump-help`: the options it parses and the variables their help names."""
    command = help_dump(context, binary)
    for name in path:
        command = next((c for c in command.get("subcommands", []) if c["commandName"] == name), None)
        if command is None:
            raise Failed(f"{binary} has no subcommand {' '.join(path)}")
    # `cloud server FLAGS` runs its default subcommand (`cloud server run`), which parses the flags.
    if command.get("defaultSubcommand"):
        command = next(c for c in command.get("subcommands", []) if c["commandName"] == command["defaultSubcommand"])
    options, variables = set(), set()
    for argument in command.get("arguments", []):
        options.update(n["name"] for n in argument.get("names", []) if n["kind"] == "long")
        variables.update(ENV_VARIABLE.findall(f"{argument.get('abstract', '')} {argument.get('discussion', '')}"))
    return options, variables


def check_flags(context):
    problems, count = [], 0
    docs = documents()
    for name, (binary, path) in COMMANDS.items():
        dep = find(docs, "Deployment", name)
        if dep is None:
            continue
        command = " ".join([binary] + path)
        options, variables = command_help(context, binary, path)
        for c in dep["spec"]["template"]["spec"]["containers"]:
            for arg in c.get("args", []) + c.get("command", []):
                if arg.startswith("--"):
                    count += 1
                    flag = arg[2:].split("=", 1)[0]
                    if flag not in options:
                        problems.append(f"Deployment {name}: --{flag} is not an option of {command}")
            for e in c.get("env", []):
                if re.match(r"(CLOUD|PROVISIONER)_", e["name"]):
                    count += 1
                    if e["name"] not in variables:
                        problems.append(f"Deployment {name}: {e['name']} is not named in the help of {command}")
    _, variables = command_help(context, "provisioner", [])
    for stage, keyword, rest in dockerfile():
        if keyword == "ENV":
            for var in re.findall(r"\b((?:CLOUD|PROVISIONER)_[A-Z_]+)=", rest):
                count += 1
                if var not in variables:
                    problems.append(f"{DOCKERFILE} stage {stage}: ENV {var} is not named in the provisioner's help")
    return finish(problems, f"{count} options and variables are the binaries' own")
