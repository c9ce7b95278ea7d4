"""Import Faultline's saved objects and alerting rules into Kibana, idempotently (stdlib only).

    python -m deploy.kibana.importer --kibana-url http://kibana:5601 [--wait 300]

Waits until Kibana reports itself available, imports ``saved_objects.ndjson`` with ``overwrite=true``
through the saved-objects API, then creates each ``rules.json`` rule through the alerting API (updating it
when it exists). Names follow ``FAULTLINE_NAMESPACE``; credentials are the Elasticsearch ones
(``FAULTLINE_ES_API_KEY`` or ``FAULTLINE_ES_USERNAME``/``_PASSWORD``), which Kibana accepts too.
Exit status 0 when everything is in place, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from deploy.kibana.objects import RULES, SAVED_OBJECTS
from faultline.names import DEFAULT_NAMESPACE, Names
from faultline.settings import Settings, load_settings

log = logging.getLogger(__name__)

# Every alias and object id in the files starts with the default namespace and a dash.
_DEFAULT_PREFIX = re.compile(rf"\b{DEFAULT_NAMESPACE}-")
# What an update may carry (rule_type_id, consumer and enabled are fixed at creation).
_RULE_UPDATE_FIELDS = ("name", "tags", "schedule", "params", "actions")


class KibanaError(RuntimeError):
    pass


def render(text: str, names: Names) -> str:
    """The objects for ``names``' namespace: aliases and object ids moved to it, so namespaces sharing one
    Kibana do not overwrite each other."""
    if names.namespace == DEFAULT_NAMESPACE:
        return text
    return _DEFAULT_PREFIX.sub(f"{names.namespace}-", text)


def load_saved_objects(names: Names) -> list[dict[str, Any]]:
    text = render(SAVED_OBJECTS.read_text(encoding="utf-8"), names)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_rules(names: Names) -> list[dict[str, Any]]:
    return json.loads(render(RULES.read_text(encoding="utf-8"), names))


class Kibana:
    def __init__(self, url: str, settings: Settings, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.headers = {"kbn-xsrf": "faultline", "Accept": "application/json"}
        if settings.es_api_key:
            self.headers["Authorization"] = f"ApiKey {settings.es_api_key.get_secret_value()}"
        elif settings.es_username:
            password = settings.es_password.get_secret_value() if settings.es_password else ""
            token = base64.b64encode(f"{settings.es_username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/json") -> tuple[int, Any]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - operator's URL
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw or b"null")
        except json.JSONDecodeError:
            return status, raw.decode("utf-8", "replace")

    def wait_available(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                status, body = self.request("GET", "/api/status")
                level = (((body or {}).get("status") or {}).get("overall") or {}).get("level") \
                    if isinstance(body, dict) else None
                if status == 200 and level == "available":
                    return
                last = f"HTTP {status}, level {level}"
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(3)
        raise KibanaError(f"Kibana at {self.url} not available after {timeout:.0f}s ({last})")

    def import_saved_objects(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        boundary = uuid.uuid4().hex
        ndjson = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faultline.ndjson\"\r\n"
                "Content-Type: application/ndjson\r\n\r\n").encode() + ndjson + f"\r\n--{boundary}--\r\n".encode()
        status, result = self.request("POST", "/api/saved_objects/_import?overwrite=true", body,
                                      content_type=f"multipart/form-data; boundary={boundary}")
        if status != 200 or not isinstance(result, dict) or not result.get("success"):
            raise KibanaError(f"saved objects import failed (HTTP {status}): {json.dumps(result)[:2000]}")
        return result

    def put_rule(self, rule: dict[str, Any]) -> str:
        rule_id = rule["id"]
        create = {k: v for k, v in rule.items() if k != "id"}
        status, result = self.request("POST", f"/api/alerting/rule/{rule_id}", json.dumps(create).encode())
        if status == 200:
            return "created"
        if status == 409:
            update = {k: rule[k] for k in _RULE_UPDATE_FIELDS if k in rule}
            status, result = self.request("PUT", f"/api/alerting/rule/{rule_id}", json.dumps(update).encode())
            if status == 200:
                return "updated"
        raise KibanaError(f"rule {rule_id}: HTTP {status}: {json.dumps(result)[:1000]}")


def run(kibana_url: str, settings: Settings, wait: float) -> dict[str, Any]:
    kibana = Kibana(kibana_url, settings)
    kibana.wait_available(wait)
    names = settings.names
    imported = kibana.import_saved_objects(load_saved_objects(names))
    rules = {rule["id"]: kibana.put_rule(rule) for rule in load_rules(names)}
    return {"saved_objects": imported.get("successCount", 0), "rules": rules}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.kibana.importer", description=__doc__.split("\n")[0])
    parser.add_argument("--kibana-url", default="http://127.0.0.1:5601", help="Kibana base URL")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for Kibana (default 300)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        report = run(args.kibana_url, load_settings(), args.wait)
    except KibanaError as exc:
        print(f"kibana import: {exc}", file=sys.stderr)
        return 1
    print(f"kibana import: {report['saved_objects']} saved objects; rules: "
          + ", ".join(f"{k} {v}" for k, v in report["rules"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
