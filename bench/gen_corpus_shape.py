#!/usr/bin/env python3
"""A second benchmark generator, written from the shapes of the real collections in
../shared/corpus rather than from scopelint's rules: folders nested up to five deep,
pre-request and test scripts of up to 150 lines (most under 15), raw bodies from a few hundred
bytes to 15 KB, up to half a dozen headers, `{{variables}}` in three URLs of four, saved responses
with their `originalRequest`, query parameters, descriptions, and per-folder auth, written
with two-space indentation (as 71 of the corpus's files are) and key order as Postman's app
writes it. Violations are planted at known rates so that the findings can be checked.

    python3 bench/gen_corpus_shape.py OUTDIR

writes shaped-1k/10k/100k.postman_collection.json, their one-line copies
(shaped-*.min.postman_collection.json), and planted-shaped.json.
"""
import json, os, random, sys
from collections import Counter

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
WORDS = ("client project service contact rate governance phase resource note line item quote "
         "document template vendor product location approval").split()
HOSTS = ["{{baseUrl}}", "{{api_host}}", "https://api.scopestack.io", "https://example.com/api",
         "{{baseUrl}}"]


def script(rng, lines, listen):
    """A script like the corpus's: tests, variable juggling, a JSON walk."""
    body = []
    while len(body) < lines:
        k = rng.randrange(6)
        w = rng.choice(WORDS)
        if k == 0:
            body += [f"pm.test(\"{w} status is 2xx\", function () {{",
                     "    pm.expect(pm.response.code).to.be.within(200, 299);", "});"]
        elif k == 1:
            body += [f"const {w}Data = pm.response.json();",
                     f"if ({w}Data && {w}Data.data) {{",
                     f"    pm.collectionVariables.set(\"{w}_id\", {w}Data.data.id);", "}"]
        elif k == 2:
            body.append(f"console.log(\"{w}\", pm.info.requestName, pm.info.iteration);")
        elif k == 3:
            body += [f"// {w}: keep the last page for the next request",
                     f"pm.environment.set(\"{w}_page\", (Number(pm.environment.get(\"{w}_page\")) || 0) + 1);"]
        elif k == 4 and listen == "prerequest":
            body.append(f"pm.variables.set(\"{w}_ts\", Date.now());")
        else:
            body += [f"pm.test(\"{w} has attributes\", () => {{",
                     f"    const json = pm.response.json();",
                     f"    pm.expect(json.data.attributes).to.have.property(\"name\");", "});"]
    return body[:lines]


def raw_body(rng, size):
    attrs = {}
    while len(json.dumps(attrs)) < size:
        w = rng.choice(WORDS)
        attrs[f"{w}-{len(attrs)}"] = rng.choice([w * rng.randrange(1, 8), rng.randrange(10**6), True, None,
                                                 [rng.choice(WORDS) for _ in range(rng.randrange(1, 6))]])
    # Written as Postman's body editor keeps it: indented, with newlines in the string.
    return json.dumps({"data": {"type": rng.choice(WORDS) + "s", "attributes": attrs}}, indent=4)


def request(i, rng, planted):
    """One request. On ScopeStack's API: every 9th lacks `Accept` (SS004), every 14th its
    slug (SS005), every 10th POST or PATCH with a body its `Content-Type` (SS010)."""
    host = HOSTS[i % len(HOSTS)]
    ours = host != "https://example.com/api"
    w = rng.choice(WORDS)
    method = rng.choice(["GET", "GET", "GET", "POST", "PATCH", "DELETE"])
    slugless = ours and i % 14 == 0
    segs = ([] if slugless else ["{{account_slug}}"]) + ["v1", w + "s"] + ([str(i)] if method != "POST" else [])
    query = [{"key": "include", "value": rng.choice(WORDS)}, {"key": "page[size]", "value": str(rng.choice([25, 50, 100]))}]
    if rng.random() < 0.3:
        query.append({"key": "filter[name]", "value": "{{filter_" + w + "}}", "disabled": rng.random() < 0.5})
    headers = []
    if not (ours and i % 9 == 0):
        headers.append({"key": "Accept", "value": "application/vnd.api+json"})
    elif ours:
        planted["SS004"] += 1
    if slugless:
        planted["SS005"] += 1
    for h in range(rng.randrange(0, 5)):
        headers.append({"key": rng.choice(["X-Request-Id", "X-Trace", "Cache-Control", "X-Client", "Accept-Language", "User-Agent"]) + (f"-{h}" if h > 3 else ""),
                        "value": rng.choice(["{{trace_id}}", "no-cache", "en-US", f"bench/{i}", "{{client_name}}"]),
                        "type": "text"})
    req = {"method": method, "header": headers}
    if method in ("POST", "PATCH"):
        if ours and i % 10 == 0:
            planted["SS010"] += 1
        else:
            headers.append({"key": "Content-Type", "value": "application/vnd.api+json", "type": "text"})
        # Most a few hundred bytes (the corpus's mean is 230, its 90th percentile 450), one in
        # a hundred 15 KB (its largest).
        size = rng.choice([100, 200, 300, 450]) if rng.random() < 0.99 else 15000
        req["body"] = {"mode": "raw", "raw": raw_body(rng, size), "options": {"raw": {"language": "json"}}}
    raw = f"{host}/{'/'.join(segs)}?" + "&".join(f"{q['key']}={q['value']}" for q in query if not q.get("disabled"))
    url = {"raw": raw, "host": [host] if host.startswith("{{") else host.split("//")[1].split("/")[0].split("."),
           "path": segs, "query": query}
    if not host.startswith("{{"):
        url["protocol"] = "https"
        url["path"] = host.split("//")[1].split("/")[1:] + segs
    req["url"] = url
    req["description"] = f"{method} the {w}s of an account. " * rng.randrange(0, 4)
    item = {"name": f"{method.title()} {w} {i}"}
    events = []
    if rng.random() < 0.25:
        events.append({"listen": "prerequest", "script": {"exec": script(rng, rng.choice([2, 4, 8, 15, 40]), "prerequest"), "type": "text/javascript"}})
    if rng.random() < 0.8:
        lines = rng.choice([3, 5, 8, 12, 15]) if rng.random() < 0.98 else 150
        events.append({"listen": "test", "script": {"exec": script(rng, lines, "test"), "type": "text/javascript"}})
    if events:
        item["event"] = events
    item["request"] = req
    responses = []
    if rng.random() < 0.15:
        responses.append({"name": "OK", "originalRequest": {"method": method, "header": headers[:2], "url": {"raw": raw}},
                          "status": "OK", "code": 200, "_postman_previewlanguage": "json",
                          "header": [{"key": "Content-Type", "value": "application/vnd.api+json"}],
                          "body": raw_body(rng, 200)})
    item["response"] = responses
    return item


def folder(name, depth, rng):
    f = {"name": name, "item": [], "description": f"Requests about {name.lower()}."}
    if rng.random() < 0.3:
        f["auth"] = {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]}
    if rng.random() < 0.2:
        f["event"] = [{"listen": "prerequest", "script": {"exec": script(rng, 6, "prerequest"), "type": "text/javascript"}}]
    return f


def collection(n, seed):
    rng = random.Random(seed)
    planted = Counter()
    # A tree of folders, one to five deep, as the corpus's largest collections have.
    leaves = []
    top = []
    for t in range(max(1, n // 400)):
        f = folder(f"{rng.choice(WORDS).title()} API {t}", 1, rng)
        top.append(f)
        stack = [(f, 1)]
        while stack:
            node, depth = stack.pop()
            leaves.append(node)
            if depth < 5 and rng.random() < 0.4:
                for c in range(rng.randrange(1, 4)):
                    child = folder(f"{rng.choice(WORDS).title()} {depth}.{c}", depth + 1, rng)
                    node["item"].append(child)
                    stack.append((child, depth + 1))
    for i in range(1, n + 1):
        leaves[rng.randrange(len(leaves))]["item"].append(request(i, rng, planted))
    coll = {
        "info": {"_postman_id": f"shaped-{n}", "name": f"Shaped {n}", "description": "A generated collection in the corpus's shapes.",
                 "schema": SCHEMA, "_exporter_id": "1234567"},
        "item": top,
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]},
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
            "pm.request.headers.upsert({key: 'X-Client', value: pm.collectionVariables.get('client_name')});"]}},
                  {"listen": "test", "script": {"type": "text/javascript", "exec": [""]}}],
        "variable": [{"key": k, "value": v, "type": "string"} for k, v in [
            ("baseUrl", "https://api.scopestack.io"), ("api_host", "https://api.scopestack.io"),
            ("account_slug", "acme"), ("access_token", ""), ("client_name", "bench"), ("trace_id", "t-1")]],
    }
    return coll, planted


def main():
    # `--help` is not a directory to fill with 300 MB of inputs.
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    planted = {}
    for n, label in ((1000, "1k"), (10000, "10k"), (100000, "100k")):
        coll, p = collection(n, 31 * n)
        for name, kw in ((f"shaped-{label}.postman_collection.json", {"indent": 2}),
                         (f"shaped-{label}.min.postman_collection.json", {"separators": (",", ":")})):
            with open(os.path.join(out, name), "w") as f:
                json.dump(coll, f, ensure_ascii=False, **kw)
            planted[name] = dict(p)
    with open(os.path.join(out, "planted-shaped.json"), "w") as f:
        json.dump(planted, f, indent=2, sort_keys=True)


main()
