#!/usr/bin/env python3
"""Writes a synthetic OpenTelemetry trace export in OTLP JSON, as the Collector's file
exporter writes it (one ExportTraceServiceRequest per line), for gate's signals tests and
benchmarks. Deterministic: the same arguments give the same bytes.

Three services, as their SDKs' instrumentation reports them:
  billing  (Flask)   server spans with http.route, internal spans with the older code.*
                     attributes (code.filepath/code.function/code.lineno): charge() in 90% of
                     requests with 6% errors (~40 ms), refund() 5%, format_receipt() 5% (~1 ms,
                     the newer code.file.path/code.function.name/code.line.number).
  web      (Express) server spans only, http.route GET /users/:id, 2% answered 500.
  checkout (Go)      gRPC server spans (rpc.service/rpc.method) and an internal span with
                     code.function.name main.(*checkoutService).PlaceOrder.

  bench/signals_gen.py --requests 500 -o traces.jsonl     # 500 billing requests
  bench/signals_gen.py --bytes 1000000000 -o big.jsonl    # about 1 GB
"""

import argparse
import json
import sys

T0 = 1_764_460_800_000_000_000  # 2025-11-30T00:00:00Z
BATCH = 50  # requests per ExportTraceServiceRequest (one line)


def s(k, v):
    return {"key": k, "value": {"stringValue": v}}


def i(k, v):
    # int64 values are JSON strings in OTLP JSON.
    return {"key": k, "value": {"intValue": str(v)}}


def hexid(n, width):
    return format(n, "0%dx" % width)


def span(trace, sid, parent, name, kind, start, dur, attrs, error=False):
    out = {
        "traceId": hexid(trace, 32),
        "spanId": hexid(sid, 16),
        "parentSpanId": hexid(parent, 16) if parent else "",
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + dur),
        "attributes": attrs,
        "status": {"code": 2, "message": "card declined"} if error else {},
    }
    return out


def resource(service, lang, spans, scope):
    return {
        "resource": {"attributes": [s("service.name", service), s("telemetry.sdk.language", lang)]},
        "scopeSpans": [{"scope": {"name": scope, "version": "1.0.0"}, "spans": spans}],
    }


def billing(n0, n, counter):
    """Requests n0..n0+n of the billing service: (spans, charge errors)."""
    spans = []
    for r in range(n0, n0 + n):
        trace = r + 1
        start = T0 + r * 1_000_000_000
        root = 2 * r + 1
        k = r % 100
        if k < 90:
            c = counter["charge"]
            counter["charge"] += 1
            # 3 of every 50 charges fail: 6%.
            err = c % 50 < 3
            dur = 30_000_000 + (r * 7919) % 20_000_000
            route, fn = "/charge", None
            child = span(trace, root + 1, root, "charge", 1, start + 1_000_000, dur, [
                s("code.filepath", "/srv/billing/app/billing.py"), s("code.function", "charge"), i("code.lineno", 5)], err)
        elif k < 95:
            dur = 900_000 + (r * 31) % 200_000
            route, err = "/receipt", False
            child = span(trace, root + 1, root, "format_receipt", 1, start + 100_000, dur, [
                s("code.file.path", "/srv/billing/app/billing.py"), s("code.function.name", "format_receipt"), i("code.line.number", 14)])
        else:
            dur = 15_000_000
            route, err = "/refund", False
            child = span(trace, root + 1, root, "refund", 1, start + 1_000_000, dur, [
                s("code.filepath", "/srv/billing/app/billing.py"), s("code.function", "refund"), i("code.lineno", 18)])
        status = 500 if err else 200
        spans.append(span(trace, root, 0, "POST " + route, 2, start, dur + 2_000_000, [
            s("http.request.method", "POST"), s("http.route", route), i("http.response.status_code", status),
            s("url.path", route), s("user_agent.original", "curl/8.5.0")], err))
        spans.append(child)
    return spans


def web(n0, n):
    spans = []
    for r in range(n0, n0 + n):
        start = T0 + r * 1_000_000_000 + 500_000_000
        err = r % 50 == 7
        spans.append(span(10_000_000 + r, 3 * r + 1, 0, "GET /users/:id", "SPAN_KIND_SERVER", start, 4_000_000 + r % 1_000_000, [
            s("http.method", "GET"), s("http.route", "/users/:id"), i("http.status_code", 500 if err else 200),
            s("http.target", "/users/%d" % (r % 997))]))
    return spans


def checkout(n0, n):
    spans = []
    for r in range(n0, n0 + n):
        start = T0 + r * 1_000_000_000 + 250_000_000
        root = 5 * r + 1
        spans.append(span(20_000_000 + r, root, 0, "oteldemo.CheckoutService/PlaceOrder", 2, start, 80_000_000, [
            s("rpc.system", "grpc"), s("rpc.service", "oteldemo.CheckoutService"), s("rpc.method", "PlaceOrder"), i("rpc.grpc.status_code", 0)]))
        spans.append(span(20_000_000 + r, root + 1, root, "PlaceOrder", 1, start + 1_000_000, 75_000_000, [
            s("code.function.name", "main.(*checkoutService).PlaceOrder"), s("code.file.path", "/app/main.go"), i("code.line.number", 31)]))
    return spans


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=500, help="billing requests (web: one fifth, checkout: one tenth)")
    ap.add_argument("--bytes", type=int, default=0, help="instead: write batches until the file reaches this size")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    counter = {"charge": 0}
    written = 0
    r = 0
    with open(a.output, "w", encoding="utf-8") as out:
        while True:
            if a.bytes and written >= a.bytes:
                break
            if not a.bytes and r >= a.requests:
                break
            n = BATCH if a.bytes else min(BATCH, a.requests - r)
            req = {"resourceSpans": [
                resource("billing", "python", billing(r, n, counter), "opentelemetry.instrumentation.flask"),
                resource("web", "nodejs", web(r // 5, n // 5), "@opentelemetry/instrumentation-http"),
                resource("checkout", "go", checkout(r // 10, n // 10), "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"),
            ]}
            line = json.dumps(req, separators=(",", ":")) + "\n"
            out.write(line)
            written += len(line)
            r += n
    print("wrote %d bytes, %d billing requests, to %s" % (written, r, a.output), file=sys.stderr)


if __name__ == "__main__":
    main()
