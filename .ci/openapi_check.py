"""The OpenAPI check (run by .ci/openapi-check): schemathesis against a running mock, for every
OpenAPI file of the real server, with the checks for server errors, status-code conformance,
content type and response schema.

Every operation the mock does not serve yet is listed in .ci/openapi-allowlist as
`unserved <file> <METHOD> <path>`; each statuses the server's Go code answers but its OpenAPI file
does not document is listed as `status <file> <METHOD> <path> <status> <server file>`, and each
response whose body the code shapes differently from the file's schema as `schema …` (same fields:
that status's schema is not checked). The lists
are checked against the mock: an operation listed as unserved that the mock serves, or one it does
not serve that is not listed, fails the run (`--update` rewrites the unserved lines).
"""

import argparse
import copy
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
NATIVE = "01900000-0000-7000-8000-0000000000a3"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def request(base, method, path, token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"content-type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    if token:
        all_headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=data, headers=all_headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def admin_token(base):
    """A flow assertion for `admin` holding `system`: the security middleware accepts it."""
    start = {
        "applicationId": NATIVE,
        "flowType": "AUTHENTICATION",
        "inputs": {
            "requested_permissions": "system",
            "resource_server_identifier": "https://localhost:8090/mcp",
        },
    }
    _, body = request(base, "POST", "/flow/execute", body=start,
                      headers={"Flow-Secret": "sample-native-flow-secret"})
    step = json.loads(body)
    _, body = request(base, "POST", "/flow/execute", body={
        "executionId": step["executionId"],
        "challengeToken": step["challengeToken"],
        "action": "action_001",
        "inputs": {"username": "admin", "password": "admin"},
    })
    return json.loads(body)["assertion"]


def operations(spec):
    for path, item in (spec.get("paths") or {}).items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path


def served(base, token, method, path):
    """Whether the mock routes `method path`: the mux's own 404 text or 405 mean it does not."""
    concrete = re.sub(r"\{[^}]+\}", "x", path)
    status, body = request(base, method, concrete, token=token,
                           body={} if method in ("POST", "PUT", "PATCH") else None)
    if status == 405:
        return False
    return not (status == 404 and body == "404 page not found\n")


# The server's struct-tag validation failure (`validation-error` in the allow-list).
FIELD_VALIDATION = {
    "type": "object",
    "required": ["code", "message", "description", "errors"],
    "properties": {
        "code": {"const": "INVALID_INPUT_METADATA"},
        "message": {"type": "string"},
        "description": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def read_allowlist(path):
    unserved, statuses = set(), {}
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if parts[0] == "unserved":
            unserved.add(tuple(parts[1:4]))
        elif parts[0] == "validation-error":
            statuses.setdefault("validation-error", []).append(("400", parts[1]))
        elif parts[0] in ("status", "schema"):
            statuses.setdefault(tuple(parts[1:4]), []).append((parts[4], parts[5]))
    return unserved, statuses


def write_unserved(path, found):
    text = pathlib.Path(path).read_text().splitlines()
    kept = [line for line in text if not line.startswith("unserved ")]
    lines = [f"unserved {f} {m} {p}" for (f, m, p) in sorted(found)]
    pathlib.Path(path).write_text("\n".join(kept + lines) + "\n")


def filtered_spec(spec, name, unserved, statuses):
    spec = copy.deepcopy(spec)
    for path, item in list((spec.get("paths") or {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            key = (name, method.upper(), path)
            if key in unserved:
                del item[method]
                continue
            if "validation-error" in statuses:
                allow_field_validation(item[method])
            for status, source in statuses.get(key, []):
                item[method].setdefault("responses", {})[status] = {
                    "description": f"answered by the server's code ({source})"
                }
        if not any(m in item for m in METHODS):
            del spec["paths"][path]
    return spec


def allow_field_validation(operation):
    """A 400 with a JSON body may also be the struct-tag validation failure."""
    response = (operation.get("responses") or {}).get("400")
    if not isinstance(response, dict):
        return
    for media in (response.get("content") or {}).values():
        if isinstance(media, dict) and "schema" in media:
            media["schema"] = {"anyOf": [media["schema"], FIELD_VALIDATION]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--specs", required=True)
    parser.add_argument("--allowlist", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--schemathesis", required=True)
    parser.add_argument("--examples", default="5")
    # Sent on every call: the direct authentication API (authentication.yaml) and AuthZEN answer
    # 401 without it.
    parser.add_argument("--direct-auth-secret", required=True)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()

    base = args.base
    token = admin_token(base)
    unserved, statuses = read_allowlist(args.allowlist)
    files = sorted(p for p in pathlib.Path(args.specs).glob("*.yaml"))
    found, problems = set(), []
    specs = {}
    for file in files:
        spec = yaml.safe_load(file.read_text())
        specs[file.name] = spec
        for method, path in operations(spec):
            key = (file.name, method, path)
            if not served(base, token, method, path):
                found.add(key)
    request(base, "POST", "/__mock/reset")
    if args.update:
        write_unserved(args.allowlist, found)
        unserved = found
    for key in sorted(found - unserved):
        problems.append(f"not served and not in the allow-list: {' '.join(key)}")
    for key in sorted(unserved - found):
        problems.append(f"served, so remove it from the allow-list: {' '.join(key)}")

    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    total = len(found | {(f, m, p) for f, s in specs.items() for m, p in operations(s)})
    tested = 0
    for name, spec in specs.items():
        narrowed = filtered_spec(spec, name, unserved, statuses)
        count = sum(1 for _ in operations(narrowed))
        if count == 0:
            continue
        tested += count
        target = work / name
        target.write_text(yaml.safe_dump(narrowed, sort_keys=False))
        request(base, "POST", "/__mock/reset")
        token = admin_token(base)
        started = time.monotonic()
        result = subprocess.run(
            [args.schemathesis, "run", str(target), "--url", base, "--checks", CHECKS,
             "--max-examples", args.examples, "--phases", "examples,fuzzing",
             "--seed", "1", "--no-color", "--suppress-health-check", "all",
             "--header", f"Authorization: Bearer {token}",
             "--header", f"Direct-Auth-Secret: {args.direct_auth_secret}",
             "--request-timeout", "10", "--max-redirects", "0",
             "--report", "junit", "--report-junit-path", str(work / (name + ".junit.xml"))],
            capture_output=True, text=True,
        )
        elapsed = time.monotonic() - started
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"{name}: {count} operations, {elapsed:.0f} s, {status}", flush=True)
        if result.returncode != 0:
            (work / (name + ".log")).write_text(result.stdout + result.stderr)
            problems.append(f"{name}: schemathesis failed (see {work / (name + '.log')})")
    print(f"{tested} of {total} operations tested; {len(unserved)} not served yet")
    for problem in problems:
        print("openapi-check:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
