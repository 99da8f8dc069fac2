#!/usr/bin/python3
"""GET /metrics scraped by a real Prometheus text parser (Debian's
python3-prometheus-client): every family parses with its type and help,
samples carry the instance (-i), flow and connector or pipeline labels,
counters grow with traffic (ticks of a metronome, requests to an
http_server whose own counters show up by name), every family that
is a counter only grows between scrapes, and the connections_open gauge
of a tcp_server, a ws_server and an http_server follows connections as
they open and close.
Usage: prometheus_scrape_test.py TEMBLOR_BINARY"""
import os
import socket
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_process import ApiProcess, expect, fail, free_port, metronome_flow, wait_for  # noqa: E402


def web_flow(port):
    """An http_server answering every request with its own body (201, as Tremor answers a POST)."""
    return """
define flow web
flow
  use tremor::pipelines;
  define connector api from http_server with codec = "json", config = {"url": "http://127.0.0.1:%d"} end;
  create connector api;
  create pipeline echo from pipelines::passthrough;
  connect /connector/api to /pipeline/echo;
  connect /pipeline/echo to /connector/api;
end;
deploy flow web;
""" % port


def servers_flow(tcp_port, ws_port):
    """A tcp_server and a ws_server, both echoing."""
    return """
define flow servers
flow
  use tremor::pipelines;
  define connector tcp from tcp_server
  with codec = "string", preprocessors = ["separate"], config = {"url": "127.0.0.1:%d"} end;
  define connector ws from ws_server with codec = "string", config = {"url": "127.0.0.1:%d"} end;
  create connector tcp;
  create connector ws;
  create pipeline tcp_echo from pipelines::passthrough;
  create pipeline ws_echo from pipelines::passthrough;
  connect /connector/tcp to /pipeline/tcp_echo;
  connect /pipeline/tcp_echo to /connector/tcp;
  connect /connector/ws to /pipeline/ws_echo;
  connect /pipeline/ws_echo to /connector/ws;
end;
deploy flow servers;
""" % (tcp_port, ws_port)


def ws_upgraded(port):
    """A WebSocket connection, upgraded (the 101 read), then left idle."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        got = s.recv(4096)
        expect(got, "the ws_server closed during the upgrade")
        answer += got
    expect(answer.startswith(b"HTTP/1.1 101"), "upgrade answered %r" % answer[:40])
    return s


def check_connections_open(api, tcp_port, ws_port, http_port):
    def gauge(flow, connector):
        return value(samples(scrape(api)), name="temblor_connector_gauge", flow=flow,
                     connector=connector, gauge="connections_open")
    servers = {("servers", "tcp"): lambda: socket.create_connection(("127.0.0.1", tcp_port), timeout=10),
               ("servers", "ws"): lambda: ws_upgraded(ws_port),
               ("web", "api"): lambda: socket.create_connection(("127.0.0.1", http_port), timeout=10)}
    for (flow, connector), connect in servers.items():
        wait_for(lambda: gauge(flow, connector) == 0, 10, "%s connections_open at 0" % connector)
        held = [connect() for _ in range(3)]
        wait_for(lambda: gauge(flow, connector) == 3, 10,
                 "%s connections_open 3 (is %s)" % (connector, gauge(flow, connector)))
        for s in held[:2]:
            s.close()
        wait_for(lambda: gauge(flow, connector) == 1, 10, "%s connections_open back to 1" % connector)
        held[2].close()


def scrape(api):
    r = api.get("/metrics")
    expect(r.status == 200, "/metrics: %d" % r.status)
    expect(r.headers["content-type"].startswith("text/plain; version=0.0.4"),
           "content type " + r.headers["content-type"])
    try:
        families = list(text_string_to_metric_families(r.body))
    except Exception as e:  # the parser's own error is the message
        fail("the exposition does not parse: %s\n%s" % (e, r.body))
    return families


def samples(families):
    """{(sample name, sorted labels): value}"""
    out = {}
    for fam in families:
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            expect(key not in out, "duplicate sample %r" % (key,))
            out[key] = s.value
    return out


def value(table, name, **labels):
    for (n, ls), v in table.items():
        if n == name and all(dict(ls).get(k) == val for k, val in labels.items()):
            return v
    return None


def post(port, body):
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:  # not listening yet
        return None


def check_shape(families):
    by_name = {f.name: f for f in families}
    for name, kind in [("temblor_build_info", "gauge"), ("temblor_connector_events", "counter"),
                       ("temblor_connector_connected", "gauge"), ("temblor_pipeline_events", "counter"),
                       ("temblor_connector_counter", "counter"), ("temblor_api_counter", "counter"),
                       ("temblor_connector_gauge", "gauge")]:
        expect(name in by_name, "no family %s in %s" % (name, sorted(by_name)))
        expect(by_name[name].type == kind, "%s is a %s" % (name, by_name[name].type))
        expect(by_name[name].documentation, "%s has no HELP" % name)
    for fam in families:
        for s in fam.samples:
            expect(s.labels.get("instance") == "scraped", "%s without instance label: %r" % (s.name, s.labels))
            if fam.name.startswith("temblor_connector_"):
                expect({"flow", "connector", "type"} <= set(s.labels), "%s labels %r" % (s.name, s.labels))
            if fam.name.startswith("temblor_pipeline_"):
                expect({"flow", "pipeline"} <= set(s.labels), "%s labels %r" % (s.name, s.labels))
    build = by_name["temblor_build_info"].samples[0]
    expect(build.value == 1 and build.labels["version"], "build info %r" % (build,))


def main():
    binary = os.path.realpath(sys.argv[1])
    port, tcp_port, ws_port = free_port(), free_port(), free_port()
    api = ApiProcess(binary, metronome_flow("main", 5) + web_flow(port) + servers_flow(tcp_port, ws_port),
                     extra_args=("-i", "scraped"))
    try:
        wait_for(lambda: post(port, "{}") == 201, 10, "the http_server to answer")
        first_families = scrape(api)
        check_shape(first_families)
        first = samples(first_families)
        ticks = dict(name="temblor_connector_events_total", flow="main", connector="ticks",
                     direction="out", port="out")
        written = dict(name="temblor_connector_events_total", flow="main", connector="sink",
                       direction="in", port="in")
        pipeline_in = dict(name="temblor_pipeline_events_total", flow="main", pipeline="pass",
                           direction="in", port="in")
        requests = dict(name="temblor_connector_counter_total", flow="web", connector="api", counter="requests")
        for what in (ticks, written, pipeline_in, requests):
            expect(value(first, **what) is not None, "no sample %r" % what)

        # Traffic: ticks keep coming; 20 requests to the web flow.
        for i in range(20):
            expect(post(port, '{"n": %d}' % i) == 201, "request %d not echoed" % i)
        before_ticks = value(first, **ticks)
        wait_for(lambda: value(samples(scrape(api)), **ticks) >= before_ticks + 20, 10, "ticks to grow")
        second = samples(scrape(api))
        expect(value(second, **requests) >= value(first, **requests) + 20,
               "requests counter %s -> %s" % (value(first, **requests), value(second, **requests)))
        web_in = value(second, name="temblor_connector_events_total", flow="web", connector="api",
                       direction="out", port="out")
        expect(web_in >= 20, "http_server read %s events" % web_in)
        expect(value(second, **written) > value(first, **written), "the file sink's count did not grow")
        expect(value(second, **pipeline_in) > value(first, **pipeline_in), "the pipeline's count did not grow")
        expect(value(second, name="temblor_api_counter_total", counter="requests") >
               value(first, name="temblor_api_counter_total", counter="requests"), "API requests counter")
        # Counters never go back; every sample of the first scrape is still there.
        for key, v in first.items():
            expect(key in second, "sample %r vanished" % (key,))
            if key[0].endswith("_total"):
                expect(second[key] >= v, "counter %r went from %s to %s" % (key, v, second[key]))
        check_connections_open(api, tcp_port, ws_port, port)
    finally:
        status = api.stop()
    expect(status == 0, "exit %d:\n%s" % (status, api.log()))
    print("ok")


main()
