"""The nginx configuration in docs/serving.md, run for real in front of the app.

The block is taken from the page as written (so the documentation cannot drift from what works),
its host name, ports, certificate and password file are pointed at temporary ones, and Debian's
nginx serves it. Chromium then uses the dashboard through it: every page draws, the websocket and
an upload pass the proxy (the upload needs Streamlit's XSRF and origin checks to hold through
it), a chart's PNG export works, and no Content-Security-Policy violation is reported. Without
nginx the test is skipped on a laptop and fails in CI (`CI` set), which installs it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from pathlib import Path

import browser_support as bs
import pytest

pytestmark = pytest.mark.browser

DOC = bs.ROOT / "docs" / "serving.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
USER, PASSWORD = "alice", "correct horse battery staple"
HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
           "Strict-Transport-Security")  # fmt: skip
# Every violation, reported by the page itself, from before its first script runs.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def documented_config() -> str:
    """The nginx block that follows the marker comment in docs/serving.md."""
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- tests/test_proxy.py runs the next nginx block")
    found = re.search(r"```nginx\n(.*?)```", text[marker:], re.S)
    assert found, "docs/serving.md: no nginx block after the marker"
    return found.group(1)


def local_config(doc: str, *, https: int, http: int, app_port: int, tmp: Path) -> str:
    """The documented block on local ports, with a test certificate and password file."""
    swaps = {
        "wss://dash.example.org": f"wss://127.0.0.1:{https}",
        "/etc/letsencrypt/live/dash.example.org/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/letsencrypt/live/dash.example.org/privkey.pem": str(tmp / "key.pem"),
        "/etc/nginx/dashboard.htpasswd": str(tmp / "htpasswd"),
        "server 127.0.0.1:8501;": f"server 127.0.0.1:{app_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http};",
        "dash.example.org": "127.0.0.1",
    }
    for documented, local in swaps.items():
        assert documented in doc, f"docs/serving.md no longer says {documented!r}: update this test"
        doc = doc.replace(documented, local)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must read the temp files
    temp = "".join(
        f"{kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
        f"http {{\naccess_log {tmp / 'access.log'};\n{temp}{doc}\n}}\n"
    )


class Proxy:
    def __init__(self, url: str, http_url: str, tmp: Path):
        self.url, self.http_url, self.tmp = url, http_url, tmp

    def error_log(self) -> str:
        path = self.tmp / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture(scope="module")
def proxy(app, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with nginx_in_front(app.url, tmp_path_factory.mktemp("nginx")) as running:
        yield running


@contextlib.contextmanager
def nginx_in_front(app_url: str, tmp: Path) -> Iterator[Proxy]:
    """The documented nginx block, on local ports, in front of the app at `app_url`."""
    if not Path(NGINX).exists() or not shutil.which("openssl"):
        if os.environ.get("CI"):
            pytest.fail("CI requires nginx and openssl for the proxy test: apt-get install -y nginx openssl")
        pytest.skip("nginx or openssl not found; install them to run the proxy test")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp / "htpasswd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    https, http = bs.free_port(), bs.free_port()
    app_port = int(app_url.rsplit(":", 1)[1])
    conf = tmp / "nginx.conf"
    conf.write_text(local_config(documented_config(), https=https, http=http, app_port=app_port, tmp=tmp))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf)], stderr=subprocess.PIPE)
    proxy = Proxy(f"https://127.0.0.1:{https}", f"http://127.0.0.1:{http}", tmp)
    try:
        deadline = time.monotonic() + 20
        while _status(proxy.url + "/_stcore/health") != 200:
            assert process.poll() is None, proxy.error_log()
            assert time.monotonic() < deadline, f"nginx did not answer: {proxy.error_log()}"
            time.sleep(0.2)
        yield proxy
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _status(url: str, auth: bool = False) -> int:
    """The HTTP status of a GET, redirects not followed, the test certificate accepted."""
    return _get(url, auth)[0]


def _get(url: str, auth: bool = False) -> tuple[int, dict[str, str]]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", "Basic " + b64encode(f"{USER}:{PASSWORD}".encode()).decode())
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers)
    except OSError:
        return 0, {}


def test_plain_http_is_sent_to_https_and_no_password_gets_401(proxy: Proxy) -> None:
    status, headers = _get(proxy.http_url + "/current-vs-target")
    assert status == 301 and headers["Location"].startswith("https://127.0.0.1"), (status, headers)
    assert _status(proxy.url + "/") == 401
    assert _status(proxy.url + "/_stcore/health") == 200, "monitors need no password"


def test_every_response_carries_the_security_headers(proxy: Proxy) -> None:
    status, headers = _get(proxy.url + "/", auth=True)
    assert status == 200
    for name in HEADERS:
        assert name in headers, (name, headers)
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "nginx/" not in headers.get("Server", ""), "server_tokens off"
    assert _get(proxy.url + "/", auth=False)[1].get("X-Frame-Options") == "DENY", "on refusals too"


@pytest.fixture
def through(browser, proxy: Proxy):
    """A page in a context that logs in to the proxy and trusts its test certificate."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, ignore_https_errors=True, accept_downloads=True,
        http_credentials={"username": USER, "password": PASSWORD},
    )  # fmt: skip
    context.set_default_timeout(bs.ACTION_TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.console_csp = console
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("() => window.__csp || []") + page.console_csp


@pytest.mark.parametrize("path", list(bs.PAGES), ids=lambda p: p or "overview")
def test_every_page_draws_through_the_proxy_without_a_csp_violation(through, proxy: Proxy, path: str) -> None:
    title, _ = bs.PAGES[path]
    bs.goto(through, proxy.url, path)
    bs.assert_clean(through)
    assert through.locator('[data-testid="stMain"] h1').first.inner_text() == title
    found = violations(through)
    assert found == [], "\n".join(found)


def test_upload_and_png_export_work_through_the_proxy(through, proxy: Proxy) -> None:
    bs.goto(through, proxy.url, "sources")
    through.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "a.txt", "mimeType": "text/plain",
                "buffer": b"Trade between Iran and Iraq reached $12 billion last year, the minister said."}]
    )  # fmt: skip
    through.get_by_text("1 claim found.").wait_for(state="visible")
    bs.goto(through, proxy.url, "current-vs-target")
    with through.expect_download() as started:
        through.locator(bs.CHART).first.locator(bs.CAMERA).click()
    png = Path(started.value.path()).read_bytes()
    assert bs.png_size(png)[0] >= 1920
    found = violations(through)
    assert found == [], "\n".join(found)
    assert "[error]" not in proxy.error_log() or "upstream" not in proxy.error_log(), proxy.error_log()[
        -2000:
    ]
