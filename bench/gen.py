#!/usr/bin/env python3
"""Deterministic benchmark inputs with planted violations and known counts.

    python3 bench/gen.py OUTDIR

writes, under OUTDIR: collection-1k/10k/20k/100k.postman_collection.json (Postman v2.1,
tab-indented like Postman's exports: nested folders, mixed hosts, variables, scripts,
urlencoded and raw bodies), the 20k and 100k collections minified to one line
(collection-20k/100k.min.postman_collection.json, as the Postman API and JSON.stringify
write them), script-8k.postman_collection.json (one test script of 8,000 lines, each a
finding), capture-10k.har and its one-line copy capture-10k.min.har, many/ (2,000 small
collections), and planted.json: the findings per code each file must produce.
"""
import json, os, random, sys
from collections import Counter

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
ACCEPT = {"key": "Accept", "value": "application/vnd.api+json", "type": "text"}
CTYPE = {"key": "Content-Type", "value": "application/vnd.api+json", "type": "text"}

def request(i, planted, rng):
    """One request; every 7th lacks Accept (SS004), every 11th its slug (SS005), every 13th
    POST its Content-Type (SS010); other hosts are never findings."""
    host = "{{base_url}}" if i % 4 else "https://httpbin.org"
    api = i % 4 != 0
    post = i % 2 == 0
    slug = "" if (api and i % 11 == 0) else "{{account_slug}}/"
    headers = [{"key": "X-Trace", "value": f"t{i}", "type": "text"}]
    if not (api and i % 7 == 0):
        headers.insert(0, dict(ACCEPT))
    elif api:
        planted["SS004"] += 1
    if api and not slug:
        planted["SS005"] += 1
    if post:
        if api and i % 13 == 0:
            planted["SS010"] += 1
        else:
            headers.append(dict(CTYPE))
    path = [p for p in (slug.strip("/"), "v1", "clients", str(i)) if p]
    raw = f"{host}/{slug}v1/clients/{i}?include=contacts"
    r = {
        "name": f"Request {i}",
        "event": [{"listen": "test", "script": {"exec": [
            "pm.test('status', function () {",
            "    pm.response.to.have.status(200);",
            "});",
            f"pm.collectionVariables.set(\"last_{i % 10}\", pm.response.json().data.id);",
        ], "type": "text/javascript"}}],
        "request": {
            "method": "POST" if post else "GET",
            "header": headers,
            "url": {"raw": raw, "host": [host], "path": path, "query": [{"key": "include", "value": "contacts"}]},
        },
        "response": [],
    }
    if post:
        body = {"data": {"type": "clients", "attributes": {"name": f"Client {i}", "note": rng.choice(["a", "bb", "ccc"])}}}
        r["request"]["body"] = {"mode": "raw", "raw": json.dumps(body), "options": {"raw": {"language": "json"}}}
    return r

def collection(n, seed):
    rng = random.Random(seed)
    planted = Counter()
    folders = [{"name": f"Folder {f}", "item": [{"name": f"Sub {f}", "item": []}]} for f in range(max(1, n // 100))]
    token = {
        "name": "Get access token",
        "event": [{"listen": "test", "script": {"exec": ["pm.collectionVariables.set(\"access_token\", pm.response.json().access_token);"], "type": "text/javascript"}}],
        "request": {"auth": {"type": "noauth"}, "method": "POST", "header": [],
                    "body": {"mode": "urlencoded", "urlencoded": [{"key": k, "value": "{{%s}}" % k, "type": "text"} for k in ("client_id", "client_secret", "username", "password")] + [{"key": "grant_type", "value": "password", "type": "text"}]},
                    "url": "https://app.scopestack.io/oauth/token"},
        "response": [],
    }
    items = [token]
    for i in range(1, n + 1):
        f = folders[i % len(folders)]
        (f["item"][0]["item"] if i % 3 == 0 else f["item"]).append(request(i, planted, rng))
    items += folders
    coll = {
        "info": {"_postman_id": f"bench-{n}", "name": f"Bench {n}", "schema": SCHEMA},
        "item": items,
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{access_token}}", "type": "string"}]},
        "variable": [{"key": "base_url", "value": "https://api.scopestack.io"}, {"key": "account_slug", "value": "acme"}, {"key": "access_token", "value": ""}],
    }
    return coll, planted

def long_script(lines):
    """A token request whose test script stores the whole response on each of its `lines`
    lines: one script with many findings."""
    return {
        "info": {"name": "Long script", "schema": SCHEMA},
        "item": [{
            "name": "Get access token",
            "event": [{"listen": "test", "script": {"exec": ["pm.environment.set(\"access_token\", pm.response.text());"] * lines, "type": "text/javascript"}}],
            "request": {"auth": {"type": "noauth"}, "method": "POST", "header": [],
                        "body": {"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "password", "type": "text"}]},
                        "url": "https://app.scopestack.io/oauth/token"},
        }],
    }

def har(n):
    planted = Counter()
    entries = []
    for i in range(n):
        api = i % 3 != 0
        slugless = api and i % 17 == 0
        accept = "application/json" if (api and i % 19 == 0) else "application/vnd.api+json"
        if slugless:
            planted["SS005"] += 1
        if accept != "application/vnd.api+json":
            planted["SS004"] += 1
        url = ("https://api.scopestack.io/" + ("" if slugless else "acme/") + f"v1/projects/{i}") if api else f"https://cdn.example.com/asset/{i}.js"
        entries.append({
            "startedDateTime": f"2026-11-30T10:{(i // 60) % 60:02d}:{i % 60:02d}.000Z", "time": 12.5,
            "request": {"method": "GET", "url": url, "httpVersion": "HTTP/2",
                        "headers": [{"name": ":authority", "value": url.split("/")[2]}, {"name": "accept", "value": accept}, {"name": "authorization", "value": "Bearer bench-token"}],
                        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [{"name": "content-type", "value": "application/vnd.api+json"}], "cookies": [],
                         "content": {"size": 40, "mimeType": "application/vnd.api+json", "text": json.dumps({"data": {"id": str(i), "type": "projects"}})},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0.1, "wait": 12, "receive": 0.4},
        })
    return {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [], "entries": entries}}, planted

def main():
    # `--help` is not a directory to fill with 300 MB of inputs.
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "many"), exist_ok=True)
    planted = {}
    for n, label in ((1000, "1k"), (10000, "10k"), (20000, "20k"), (100000, "100k")):
        coll, p = collection(n, n)
        name = f"collection-{label}.postman_collection.json"
        with open(os.path.join(out, name), "w") as f:
            json.dump(coll, f, indent="\t")
        planted[name] = dict(p)
        if n >= 20000:
            name = f"collection-{label}.min.postman_collection.json"
            with open(os.path.join(out, name), "w") as f:
                json.dump(coll, f, separators=(",", ":"))
            planted[name] = dict(p)
    name = "script-8k.postman_collection.json"
    with open(os.path.join(out, name), "w") as f:
        json.dump(long_script(8000), f, indent="\t")
    planted[name] = {"SS003": 8000}
    h, p = har(10000)
    with open(os.path.join(out, "capture-10k.har"), "w") as f:
        json.dump(h, f, indent=2)
    planted["capture-10k.har"] = dict(p)
    with open(os.path.join(out, "capture-10k.min.har"), "w") as f:
        json.dump(h, f, separators=(",", ":"))
    planted["capture-10k.min.har"] = dict(p)
    total = Counter()
    for k in range(2000):
        coll, p = collection(20, 7000 + k)
        with open(os.path.join(out, "many", f"c{k:04d}.postman_collection.json"), "w") as f:
            json.dump(coll, f, indent="\t")
        total.update(p)
    planted["many"] = dict(total)
    with open(os.path.join(out, "planted.json"), "w") as f:
        json.dump(planted, f, indent=2, sort_keys=True)

main()
