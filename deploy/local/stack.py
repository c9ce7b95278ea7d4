"""A real single-node Kafka and Elasticsearch on 127.0.0.1, without Docker.

Kafka 3.9 (KRaft) comes from Maven Central as jars (``deploy/local/pom.xml``), Elasticsearch 8.19 as its
integ-test zip. Both are fetched once with ``mvn`` into ``$FAULTLINE_HOME`` (default ``~/.cache/faultline``),
started as background processes with PID files, and checked for real health: Kafka answers a metadata
request from a client, Elasticsearch reports cluster health yellow or green. Elasticsearch refuses to run
as root, so when started by root it runs as the dedicated system user ``faultline``.

Layout under ``$FAULTLINE_HOME``::

    dist/kafka-<v>/libs/*.jar          dist/elasticsearch-<v>/     (cached downloads)
    kafka/config/ kafka/data/ kafka/kafka.log kafka/kafka.pid
    elasticsearch/config/ elasticsearch/data/ elasticsearch/logs/ elasticsearch/elasticsearch.pid
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from faultline.errors import ConfigError, ServiceError
from faultline.settings import Settings

log = logging.getLogger(__name__)

KAFKA_VERSION = "3.9.2"
ES_VERSION = "8.19.9"
ES_ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION}:zip"
ES_USER = "faultline"
POM = Path(__file__).with_name("pom.xml")
LOOPBACK = "127.0.0.1"


def dist_root(settings: Settings) -> Path:
    """Where downloaded distributions are cached: ``FAULTLINE_DIST_DIR``, default ``$FAULTLINE_HOME/dist``.

    A second stack (e.g. a test that kills its own broker) shares the first one's downloads this way.
    """
    return settings.dist_dir or settings.home / "dist"


class StackError(ServiceError):
    """The local stack cannot be fetched, started or stopped; the message says what to do."""


# ---------------------------------------------------------------------------------------------
# Prerequisites


def java_command() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if not java:
        raise StackError("Java 17 or newer is required and 'java' is not on PATH "
                         "(Debian: apt-get install openjdk-17-jre-headless, or set JAVA_HOME)")
    return java


def java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        raise StackError(f"cannot tell the Java version from {java!r}: {out.stderr.strip()[:200]}")
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def check_java() -> str:
    java = java_command()
    major = java_major(java)
    if major < 17:
        raise StackError(f"Java 17 or newer is required; {java} is Java {major} (set JAVA_HOME to a JDK 17+)")
    return java


def check_maven() -> str:
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven ('mvn') is required to fetch Kafka and Elasticsearch once "
                         "(Debian: apt-get install maven)")
    return mvn


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


# ---------------------------------------------------------------------------------------------
# Services


@dataclass
class Service:
    name: str
    home: Path  # the service's state directory under FAULTLINE_HOME
    host: str
    port: int
    extra_ports: list[int] = field(default_factory=list)

    @property
    def pid_file(self) -> Path:
        return self.home / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.home / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if _pid_alive(pid):
            return pid
        return None

    def clear_stale_pid(self) -> None:
        if self.pid_file.exists() and self.pid() is None:
            log.info("%s: removing stale PID file %s", self.name, self.pid_file)
            self.pid_file.unlink(missing_ok=True)

    def check_ports_free(self) -> None:
        for port in [self.port, *self.extra_ports]:
            if port_open(LOOPBACK, port):
                raise StackError(
                    f"{self.name}: port {port} on {LOOPBACK} is taken by another process "
                    f"(find it with: ss -ltnp 'sport = :{port}'); stop it or point Faultline elsewhere"
                )

    def already_serving(self) -> bool:
        """True when this service already runs: ours (PID file) or a healthy one on the same port.

        Anything else on the port is an error that names the port.
        """
        self.clear_stale_pid()
        if self.pid() is not None:
            return True
        if port_open(LOOPBACK, self.port):
            try:
                self.health()  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - not ours and not healthy: refuse below
                pass
            else:
                log.info("%s: a healthy %s already serves %s:%d (not started from %s); using it",
                         self.name, self.name, self.host, self.port, self.home)
                return True
        self.check_ports_free()
        return False

    def spawn(self, argv: list[str], env: dict[str, str], cwd: Path, user: str | None = None) -> int:
        self.home.mkdir(parents=True, exist_ok=True)
        logf = open(self.log_file, "ab")  # noqa: SIM115 - handed to the child
        if user:
            argv = ["runuser", "-u", user, "--", *argv]
        proc = subprocess.Popen(  # noqa: S603
            argv, cwd=cwd, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        logf.close()
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the process group; True when something was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.25)
        if _pid_alive(pid):
            log.warning("%s did not stop within %.0fs; killing it", self.name, timeout)
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            for _ in range(40):
                if not _pid_alive(pid):
                    break
                time.sleep(0.25)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 40) -> str:
        try:
            data = self.log_file.read_bytes()[-200_000:].decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(data.splitlines()[-lines:])


class KafkaService(Service):
    def __init__(self, settings: Settings):
        host, port = _local_endpoint(settings.bootstrap_servers[0], default_port=9092)
        super().__init__("kafka", settings.home / "kafka", host, port, extra_ports=[port + 1])
        self.settings = settings
        self.dist = dist_root(settings) / f"kafka-{KAFKA_VERSION}"
        self.controller_port = port + 1

    @property
    def libs(self) -> Path:
        return self.dist / "libs"

    def fetched(self) -> bool:
        return (self.libs / f"kafka_2.13-{KAFKA_VERSION}.jar").exists() and (self.dist / ".complete").exists()

    def fetch(self) -> None:
        if self.fetched():
            return
        mvn = check_maven()
        tmp = self.dist.with_name(self.dist.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        log.info("fetching Apache Kafka %s broker jars from Maven Central (once)", KAFKA_VERSION)
        _run([mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies", "-DincludeScope=runtime",
              f"-Dkafka.version={KAFKA_VERSION}", f"-DoutputDirectory={tmp / 'libs'}"], "fetch Kafka")
        (tmp / ".complete").write_text(KAFKA_VERSION)
        shutil.rmtree(self.dist, ignore_errors=True)
        tmp.rename(self.dist)

    def _java(self, main: str, *args: str, log4j: Path) -> list[str]:
        heap = os.environ.get("FAULTLINE_KAFKA_HEAP", "1g")
        return [check_java(), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC",
                f"-Dlog4j.configuration=file:{log4j}", f"-Dkafka.logs.dir={self.home / 'logs'}",
                "-cp", f"{self.libs}/*", main, *args]

    def configure(self) -> tuple[Path, Path]:
        conf = self.home / "config"
        conf.mkdir(parents=True, exist_ok=True)
        (self.home / "logs").mkdir(exist_ok=True)
        props = conf / "server.properties"
        props.write_text("\n".join([
            "# written by faultline stack up; edits are overwritten",
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@{LOOPBACK}:{self.controller_port}",
            f"listeners=PLAINTEXT://{LOOPBACK}:{self.port},CONTROLLER://{LOOPBACK}:{self.controller_port}",
            f"advertised.listeners=PLAINTEXT://{LOOPBACK}:{self.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={self.home / 'data'}",
            f"num.partitions={self.settings.topic_partitions}",
            "default.replication.factor=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=10",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            "log.retention.hours=168",
            "message.max.bytes=2097152",
            "",
        ]))
        log4j = conf / "log4j.properties"
        log4j.write_text("\n".join([
            "log4j.rootLogger=INFO, stdout",
            "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
            "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
            "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
            "log4j.logger.kafka=INFO",
            "log4j.logger.org.apache.kafka=INFO",
            "log4j.logger.state.change.logger=WARN",
            "log4j.logger.kafka.request.logger=WARN",
            "",
        ]))
        return props, log4j

    def start(self) -> bool:
        """Start Kafka unless it runs; True when this call started it."""
        if self.already_serving():
            return False
        self.fetch()
        props, log4j = self.configure()
        if not (self.home / "data" / "meta.properties").exists():
            cluster_id = new_cluster_id()
            _run(self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props),
                            "--ignore-formatted", log4j=log4j), "format Kafka storage")
        env = dict(os.environ)
        self.spawn(self._java("kafka.Kafka", str(props), log4j=log4j), env, cwd=self.home)
        return True

    def reported_version(self) -> str | None:
        """The version the broker logged at start-up ("Kafka version: 3.9.2"), if this stack started it."""
        found = re.findall(r"Kafka version: ([0-9][\w.-]*)", self.log_tail(100_000))
        return found[-1] if found else None

    def health(self, timeout: float = 5.0) -> dict:
        """Ask the broker for metadata with a real client (kafka-python)."""
        if not port_open(self.host, self.port):
            raise StackError(f"nothing listens on {self.host}:{self.port} yet")
        from kafka import KafkaAdminClient  # lazy: the core never imports it

        client = KafkaAdminClient(bootstrap_servers=f"{self.host}:{self.port}",
                                  request_timeout_ms=int(timeout * 1000), client_id="faultline-stack")
        try:
            cluster = client.describe_cluster()
            return {"brokers": len(cluster.get("brokers", [])), "cluster_id": cluster.get("cluster_id"),
                    "version": self.reported_version()}
        finally:
            client.close()


class ElasticsearchService(Service):
    def __init__(self, settings: Settings):
        parsed = urlparse(settings.es_url)
        host, port = _local_endpoint(f"{parsed.hostname}:{parsed.port or 9200}", default_port=9200)
        super().__init__("elasticsearch", settings.home / "elasticsearch", host, port, extra_ports=[port + 100])
        self.transport_port = port + 100  # 9300 beside 9200
        self.settings = settings
        self.dist = dist_root(settings) / f"elasticsearch-{ES_VERSION}"

    def fetched(self) -> bool:
        return (self.dist / "bin" / "elasticsearch").exists() and (self.dist / ".complete").exists()

    def fetch(self) -> None:
        if self.fetched():
            return
        mvn = check_maven()
        downloads = self.dist.parent / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        log.info("fetching Elasticsearch %s (integ-test zip) from Maven Central (once)", ES_VERSION)
        _run([mvn, "-B", "-q", "dependency:copy", f"-Dartifact={ES_ARTIFACT}",
              f"-DoutputDirectory={downloads}"], "fetch Elasticsearch")
        archive = downloads / f"elasticsearch-{ES_VERSION}.zip"
        tmp = self.dist.with_name(self.dist.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = (tmp / info.filename).resolve()
                if not str(target).startswith(str(tmp.resolve())):
                    raise StackError(f"refusing zip entry outside the target: {info.filename}")
                zf.extract(info, tmp)
                mode = (info.external_attr >> 16) & 0o777
                if mode:
                    os.chmod(target, mode)
        inner = tmp / f"elasticsearch-{ES_VERSION}"
        root = inner if inner.is_dir() else tmp
        for bin_file in (root / "bin").iterdir():
            bin_file.chmod(bin_file.stat().st_mode | 0o755)
        (root / ".complete").write_text(ES_VERSION)
        shutil.rmtree(self.dist, ignore_errors=True)
        root.rename(self.dist)
        shutil.rmtree(tmp, ignore_errors=True)
        archive.unlink(missing_ok=True)

    def configure(self) -> Path:
        conf = self.home / "config"
        if conf.exists():
            shutil.rmtree(conf)
        shutil.copytree(self.dist / "config", conf)
        for d in ("data", "logs", "tmp"):
            (self.home / d).mkdir(parents=True, exist_ok=True)
        (conf / "elasticsearch.yml").write_text("\n".join([
            "# written by faultline stack up; edits are overwritten",
            "cluster.name: faultline-local",
            "node.name: faultline-local-1",
            f"network.host: {LOOPBACK}",
            f"http.port: {self.port}",
            f"transport.port: {self.transport_port}",
            "discovery.type: single-node",
            f"path.data: {self.home / 'data'}",
            f"path.logs: {self.home / 'logs'}",
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.destructive_requires_name: false",
            "xpack.security.enabled: false",
            "xpack.security.autoconfiguration.enabled: false",
            "xpack.ml.enabled: false",
            "",
        ]))
        heap = os.environ.get("FAULTLINE_ES_HEAP", "1g")
        (conf / "jvm.options.d").mkdir(exist_ok=True)
        (conf / "jvm.options.d" / "faultline.options").write_text(f"-Xms{heap}\n-Xmx{heap}\n")
        return conf

    def start(self) -> bool:
        if self.already_serving():
            return False
        self.fetch()
        conf = self.configure()
        env = dict(os.environ)
        env.update({"ES_PATH_CONF": str(conf), "ES_TMPDIR": str(self.home / "tmp")})
        env.pop("ES_JAVA_OPTS", None)
        java = check_java()
        env["ES_JAVA_HOME"] = str(Path(java).resolve().parent.parent)
        user = None
        if os.geteuid() == 0:
            user = ensure_es_user()
            print(f"elasticsearch refuses to run as root: running it as the system user '{user}'",
                  file=sys.stderr)
            grant_traverse(self.settings.home, user)
            _chown_tree(self.home, user)
            _chown_tree(self.dist, user)
        self.home.mkdir(parents=True, exist_ok=True)
        self.spawn([str(self.dist / "bin" / "elasticsearch")], env, cwd=self.home, user=user)
        return True

    def _get(self, path: str, timeout: float) -> dict:
        url = f"http://{self.host}:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read())

    def health(self, timeout: float = 5.0) -> dict:
        h = self._get("/_cluster/health?wait_for_status=yellow&timeout=1s", timeout)
        if h.get("status") not in ("yellow", "green"):
            raise StackError(f"cluster health is {h.get('status')}")
        nodes = self._get("/_nodes/_local?filter_path=nodes.*.version", timeout).get("nodes", {})
        version = next(iter(nodes.values()), {}).get("version")
        return {"status": h["status"], "nodes": h.get("number_of_nodes"), "version": version}


def _local_endpoint(hostport: str, default_port: int) -> tuple[str, int]:
    host, _, port = hostport.rpartition(":")
    host = host.strip("[]") or LOOPBACK
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(
            f"the local stack only runs on 127.0.0.1; {hostport!r} points elsewhere "
            "(unset FAULTLINE_KAFKA_BOOTSTRAP / FAULTLINE_ES_URL to use the local stack)"
        )
    return LOOPBACK, int(port or default_port)


def ensure_es_user() -> str:
    try:
        subprocess.run(["id", ES_USER], check=True, capture_output=True)
    except subprocess.CalledProcessError:
        _run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER],
             f"create the system user '{ES_USER}'")
        print(f"created the system user '{ES_USER}' to run Elasticsearch", file=sys.stderr)
    return ES_USER


def grant_traverse(path: Path, user: str) -> None:
    """Let ``user`` reach ``path``: add search (x, not read) permission on ancestors that block it."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    for anc in reversed([path, *path.parents]):
        ok = subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(anc)], capture_output=True)
        if ok.returncode != 0:
            mode = anc.stat().st_mode
            anc.chmod(mode | 0o001)
            print(f"granted search permission (o+x) on {anc} so '{user}' can reach {path}; "
                  "set FAULTLINE_HOME elsewhere to avoid this", file=sys.stderr)


def _chown_tree(path: Path, user: str) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _run(["chown", "-R", f"{user}:", str(path)], f"give {path} to '{user}'")


def new_cluster_id() -> str:
    """A KRaft cluster id as Kafka makes them: a random UUID in URL-safe base64 that does not start with "-"
    (the storage tool would read such an id as an option)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _run(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError as exc:
        raise StackError(f"cannot {what}: {exc}") from exc
    except subprocess.TimeoutExpired as exc:
        raise StackError(f"cannot {what}: timed out after {exc.timeout:.0f}s") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise StackError(f"cannot {what} (exit {proc.returncode}):\n{tail}")


# ---------------------------------------------------------------------------------------------
# The stack


class LocalStack:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.kafka = KafkaService(settings)
        self.elasticsearch = ElasticsearchService(settings)
        self.services: list[Service] = [self.kafka, self.elasticsearch]

    def up(self, timeout: float = 240.0, only: list[str] | None = None) -> dict:
        """Start (fetching once) and wait until healthy; ``only`` names a subset ("kafka", "elasticsearch")."""
        check_java()
        services = [s for s in self.services if only is None or s.name in only]
        started = {}
        for svc in services:
            t0 = time.monotonic()
            started[svc.name] = svc.start()
            log.info("%s: %s in %.1fs", svc.name, "started" if started[svc.name] else "already running",
                     time.monotonic() - t0)
        for svc in services:
            self.wait_healthy(svc, timeout)
        return self.status()

    def wait_healthy(self, svc: Service, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if svc.pid() is None and not port_open(svc.host, svc.port):
                raise StackError(f"{svc.name} exited during start-up; see {svc.log_file}:\n{svc.log_tail(25)}")
            try:
                return svc.health()  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 - not ready yet
                last = exc
                time.sleep(1.0)
        raise StackError(f"{svc.name} not healthy after {timeout:.0f}s ({last}); see {svc.log_file}")

    def down(self) -> dict[str, bool]:
        return {svc.name: svc.stop() for svc in reversed(self.services)}

    def status(self) -> dict:
        out: dict[str, dict] = {}
        for svc in self.services:
            svc.clear_stale_pid()
            pid = svc.pid()
            serving = pid is not None or port_open(svc.host, svc.port)
            entry: dict = {"running": serving, "managed": pid is not None, "pid": pid, "log": str(svc.log_file),
                           "endpoint": (f"{svc.host}:{svc.port}" if svc.name == "kafka"
                                        else f"http://{svc.host}:{svc.port}"), "healthy": False}
            if serving:
                try:
                    entry.update(svc.health())  # type: ignore[attr-defined]
                    entry["healthy"] = True
                except Exception as exc:  # noqa: BLE001 - reported, not raised
                    entry["error"] = str(exc)
            out[svc.name] = entry
        out["home"] = {"path": str(self.settings.home)}
        return out

    def healthy(self) -> bool:
        st = self.status()
        return all(st[s.name]["healthy"] for s in self.services)
