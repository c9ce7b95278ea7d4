"""The importer speaks Kibana's saved-objects and alerting APIs (a stand-in Kibana records what it is sent)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy.kibana import importer
from faultline.settings import Settings


class FakeKibana(BaseHTTPRequestHandler):
    rules: dict[str, dict] = {}
    imports: list[bytes] = []
    calls: list[tuple[str, str, dict]] = []
    status_level = "available"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _reply(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        self.calls.append(("GET", self.path, dict(self.headers)))
        self._reply(200, {"status": {"overall": {"level": self.status_level}}})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_POST(self):  # noqa: N802
        body = self._body()
        self.calls.append(("POST", self.path, dict(self.headers)))
        if self.headers.get("kbn-xsrf") is None:
            return self._reply(400, {"message": "missing kbn-xsrf"})
        if self.path.startswith("/api/saved_objects/_import"):
            assert "overwrite=true" in self.path
            self.imports.append(body)
            count = body.count(b'"type"')
            return self._reply(200, {"success": True, "successCount": count})
        rule_id = self.path.rsplit("/", 1)[1]
        if rule_id in self.rules:
            return self._reply(409, {"message": "exists"})
        self.rules[rule_id] = json.loads(body)
        return self._reply(200, {"id": rule_id})

    def do_PUT(self):  # noqa: N802
        body = json.loads(self._body())
        self.calls.append(("PUT", self.path, dict(self.headers)))
        rule_id = self.path.rsplit("/", 1)[1]
        if "rule_type_id" in body or "consumer" in body:
            return self._reply(400, {"message": "cannot update rule_type_id or consumer"})
        self.rules[rule_id].update(body)
        return self._reply(200, {"id": rule_id})


@pytest.fixture
def kibana():
    FakeKibana.rules, FakeKibana.imports, FakeKibana.calls = {}, [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_import_creates_then_updates_rules_and_sends_the_namespaced_objects(kibana):
    settings = Settings(namespace="t5", es_username="elastic", es_password="secret")
    first = importer.run(kibana, settings, wait=10)
    assert first["rules"] == {"t5-critical-alert": "created", "t5-lethal-assault": "created",
                              "t5-high-severity-burst": "created"}
    body = FakeKibana.imports[0]
    assert b'"title": "t5-events"' in body and b"faultline-events" not in body
    assert b'filename="faultline.ndjson"' in body
    rule = next(iter(FakeKibana.rules.values()))
    assert rule["rule_type_id"] == ".es-query" and rule["params"]["index"][0].startswith("t5-")
    assert all(h.get("Authorization", "").startswith("Basic ") for _, _, h in FakeKibana.calls)

    second = importer.run(kibana, settings, wait=10)
    assert set(second["rules"].values()) == {"updated"}
    assert len(FakeKibana.imports) == 2


def test_a_kibana_that_never_becomes_available_is_reported(kibana, monkeypatch):
    monkeypatch.setattr(FakeKibana, "status_level", "unavailable")
    monkeypatch.setattr(importer.time, "sleep", lambda s: None)
    with pytest.raises(importer.KibanaError, match="not available"):
        importer.Kibana(kibana, Settings()).wait_available(0.2)


def test_main_reports_failure_with_exit_status_1(monkeypatch):
    monkeypatch.setattr(importer.time, "sleep", lambda s: None)
    assert importer.main(["--kibana-url", "http://127.0.0.1:9", "--wait", "0.1"]) == 1
