"""`make app`: the explorers as standalone Voila pages, in English and in Chinese (apps/zh_CN/). Headless
Chromium opens the index, follows the link to the Playground, moves the noise slider and sees the picture
change, with no error on the page; a student browsing ten pages (one of them in Chinese, reached by the
index's language link: its controls speak Chinese) leaves no kernels behind; and no page asks anything of the
internet. Without a browser: the stored pages are what scripts/make_apps.py writes from its table and the
Chinese catalogue, and a changed English title stops the Chinese build.

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where it must run.
"""
import re
import shutil
import sys
import time
from types import SimpleNamespace

import psutil
import pytest
from babel.messages.pofile import read_po

from browser_support import ROOT, chromium_page, free_port, require_chromium, serving

sys.path.insert(0, str(ROOT / "scripts"))
import make_apps  # noqa: E402

from test_glossary import glossary, variants_used  # noqa: E402

# Short culling so the test need not wait ten minutes (make app's defaults are in its Makefile target).
CULL_IDLE, CULL_INTERVAL = 8, 2
# Ten explorer pages a student opens in turn from the index, light ones first (each starts a kernel).
BROWSED = ["neuron", "activations", "losses", "gradient_descent", "backprop", "cnn", "depth", "optimizers",
           "overfitting", "deepnets"]
CHINESE = "activations"  # of those, visited in Chinese first: index -> 简体中文 -> its Chinese page -> English


@pytest.fixture(scope="module")
def browser_ready():
    require_chromium()  # here, not at import: the tests of the pages' text need no browser


def test_the_stored_pages_are_what_make_apps_writes(tmp_path):
    """Every page, English and Chinese, byte for byte as scripts/make_apps.py writes it now from its table and
    apps/zh_CN/apps.po: a page edited by hand, or a table changed without rebuilding, fails here."""
    shutil.copy(make_apps.catalogue_path("zh_CN"), tmp_path)
    (tmp_path / "zh_CN").mkdir()
    shutil.move(tmp_path / "apps.po", make_apps.catalogue_path("zh_CN", tmp_path))
    written = make_apps.build(tmp_path)
    stored = sorted(p.relative_to(ROOT / "apps") for p in (ROOT / "apps").glob("**/*.ipynb")
                    if ".ipynb_checkpoints" not in p.parts)
    assert stored == sorted(p.relative_to(tmp_path) for p in written), "python scripts/make_apps.py rewrites them"
    for path in written:
        relative = path.relative_to(tmp_path)
        assert (ROOT / "apps" / relative).read_bytes() == path.read_bytes(), \
            f"apps/{relative} differs from what scripts/make_apps.py writes: run it"
    zh = (ROOT / "apps" / "zh_CN" / "activations.ipynb").read_text(encoding="utf-8")
    assert 'dt.set_language(\\"zh_CN\\")' in zh and "激活函数" in zh  # the page speaks Chinese, title included


def test_a_changed_english_text_stops_the_chinese_build(tmp_path, monkeypatch):
    """Drift: an English hint changed in the table has no translation (the build refuses, naming it); after
    extract its old translation is kept but fuzzy, and the build still refuses until a translator clears it."""
    (tmp_path / "zh_CN").mkdir()
    shutil.copy(make_apps.catalogue_path("zh_CN"), make_apps.catalogue_path("zh_CN", tmp_path))
    name, explorer, title, hint = make_apps.APPS[3]
    changed = hint.replace("watch", "see")
    assert changed != hint
    monkeypatch.setattr(make_apps, "APPS", [*make_apps.APPS[:3], (name, explorer, title, changed), *make_apps.APPS[4:]])
    with pytest.raises(ValueError, match=re.escape(f"not in the catalogue (new or changed: run python "
                                                   f"scripts/make_apps.py extract): {changed!r}")):
        make_apps.build(tmp_path)
    make_apps.extract("zh_CN", tmp_path)
    with pytest.raises(ValueError, match=re.escape(f"fuzzy (its English changed: check it, then remove the flag): "
                                                   f"{changed!r}")):
        make_apps.build(tmp_path)
    assert not (tmp_path / "index.ipynb").exists()  # refused before writing anything


def test_the_chinese_texts_follow_the_glossary():
    rows = glossary()
    with make_apps.catalogue_path("zh_CN").open("rb") as f:
        catalogue = read_po(f)
    assert {m.id for m in catalogue if m.id} == set(make_apps.messages())  # nothing obsolete, nothing missing
    for message in catalogue:
        if message.id:
            assert variants_used(message.id, message.string, rows) == [], (message.id, message.string)


@pytest.fixture(scope="module")
def app(tmp_path_factory, browser_ready):
    port = free_port()
    log_path = tmp_path_factory.mktemp("app") / "voila.log"
    command = ["make", "--no-print-directory", "app", f"APP_PORT={port}",
               f"APP_CULL_IDLE={CULL_IDLE}", f"APP_CULL_INTERVAL={CULL_INTERVAL}"]
    with serving(command, f"http://127.0.0.1:{port}", "/", log_path, timeout=90, cwd=ROOT) as url:
        yield SimpleNamespace(url=url, port=port, log=log_path)


def kernels(port: int) -> set:
    """Ids of the live kernel processes of the Voila server listening on `port` (read from their
    connection file names, kernel-<id>.json)."""
    servers = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if cmdline[1:3] == ["-m", "voila"] and f"--port={port}" in cmdline:  # not make, not its shell
            servers.append(proc)
    assert len(servers) == 1, f"expected one Voila server on port {port}, found {servers}"
    ids = set()
    for child in servers[0].children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:  # ended, not yet reaped
                continue
            found = re.search(r"kernel-([0-9a-f-]{36})\.json", " ".join(child.cmdline()))
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
        if found:
            ids.add(found.group(1))
    return ids


def wait_rendered(page, timeout_ms: int = 120_000) -> str:
    """Wait until a Voila page has shown its cells and its widgets; return the page's kernel id."""
    page.locator("#rendered_cells").wait_for(state="visible", timeout=timeout_ms)
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def wait_widgets(page, timeout_ms: int = 120_000) -> None:
    page.locator(".jupyter-widgets.widget-container, .widget-box").first.wait_for(state="visible",
                                                                                   timeout=timeout_ms)


def test_index_lists_every_explorer_page():
    apps = {p.stem for p in (ROOT / "apps").glob("*.ipynb")} - {"index"}
    index = (ROOT / "apps" / "index.ipynb").read_text()
    assert "playground" in apps and len(apps) >= 13
    assert {name for name in apps if f"({name}.ipynb)" in index} == apps
    assert set(BROWSED) <= apps
    # the same pages in Chinese, listed by their index, which the English index links to (and back)
    chinese = (ROOT / "apps" / "zh_CN" / "index.ipynb").read_text(encoding="utf-8")
    assert {p.stem for p in (ROOT / "apps" / "zh_CN").glob("*.ipynb")} - {"index"} == apps
    assert {name for name in apps if f"({name}.ipynb)" in chinese} == apps
    assert "(zh_CN/index.ipynb)" in index and "(../index.ipynb)" in chinese


@pytest.mark.browser
def test_playground_app_answers_a_slider(app):
    page_errors = []
    with chromium_page() as page:
        page.on("pageerror", lambda err: page_errors.append(str(err)))
        page.goto(app.url + "/voila/render/index.ipynb")
        page.get_by_role("link", name="The Playground").click()
        page.wait_for_url(re.compile(r".*/playground\.ipynb$"))
        image = page.locator(".widget-image").first
        image.wait_for(state="visible", timeout=120_000)
        page.wait_for_function("() => { const i = document.querySelector('.widget-image');"
                               " return i && i.naturalWidth > 0; }", timeout=60_000)
        assert page.locator("text=import dlteach").count() == 0, "Voila must not show the code"
        before = image.get_attribute("src")
        noise = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="noise"))
        noise.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("before => document.querySelector('.widget-image').src !== before", arg=before,
                               timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ROOT / ".cache" / "app_playground.png"))
        text = page.inner_text("body")
        for bad in ("Traceback", "Error", "There was an error"):
            assert bad not in text, f"{bad!r} on the page:\n{text[-1500:]}"
        assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page_errors == []


def visit_in_chinese(page, name: str) -> None:
    """From the English index by its language link to the Chinese index, then the Chinese page `name`: its
    title and its controls' labels are Chinese (the labels are the package's messages, set_language("zh_CN")
    in the page); its language link leads to the same page in English, which is left for the English index."""
    title = make_apps.translations("zh_CN")[next(t for n, _, t, _ in make_apps.APPS if n == name)]
    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url(re.compile(r".*/zh_CN/index\.ipynb$"))
    wait_rendered(page)
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf".*/zh_CN/{name}\.ipynb$"))
    wait_rendered(page)
    wait_widgets(page)
    page.locator(".widget-label", has_text="输入范围").first.wait_for(state="visible", timeout=60_000)
    labels = page.locator(".widget-label").all_inner_texts()
    assert "激活函数" in labels and any(label.startswith("输入范围") for label in labels), labels
    assert title in page.locator("h1").first.inner_text()
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    # the app serves a Chinese font (for a computer without one: this test's Chromium has none), from itself
    loaded = page.evaluate("async () => (await document.fonts.load('16px \"Noto Sans SC dlteach\"', '激活'))"
                           ".map(f => f.status)")
    assert loaded == ["loaded"], loaded
    page.screenshot(path=str(ROOT / ".cache" / f"app_{name}_zh_CN.png"))
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(rf".*/voila/render/{name}\.ipynb$"))
    wait_rendered(page)


@pytest.mark.browser
def test_pages_left_leave_no_kernels(app):
    """A student opens ten explorers from the index, one after the other (one of them first in Chinese, by
    the language links), and a second tab that dies
    without saying goodbye (a crash, a closed laptop: Playwright's close runs no unload handler).
    Within a bounded wait only the open page's kernel remains, and it still answers after lying idle
    longer than the cull timeout (an open tab keeps its kernel however long the student reads)."""
    start = kernels(app.port)
    with chromium_page() as page:
        page.goto(app.url + "/voila/render/index.ipynb")
        wait_rendered(page)
        for name in BROWSED:
            if name == CHINESE:
                visit_in_chinese(page, name)
            else:
                page.locator(f"a[href$='{name}.ipynb']").first.click()
                page.wait_for_url(re.compile(rf".*/{name}\.ipynb$"))
                wait_rendered(page)
            wait_widgets(page)
            page.get_by_role("link", name="All explorers").click()
            page.wait_for_url(re.compile(r".*/voila/render/index\.ipynb$"))
            wait_rendered(page)
        opened = len(BROWSED) * 2 + 1 + 2  # every page visit, the index's included, started a kernel; + Chinese
        crashed = page.context.browser.new_page()
        crashed.goto(app.url + "/voila/render/losses.ipynb")
        wait_rendered(crashed)
        wait_widgets(crashed)
        crashed.close()  # no beforeunload: only the culler can free its kernel
        page.get_by_role("link", name="Loss functions").click()
        page.wait_for_url(re.compile(r".*/losses\.ipynb$"))
        kept = wait_rendered(page)
        wait_widgets(page)
        image = page.locator(".widget-image").first
        image.wait_for(state="visible", timeout=60_000)
        deadline = time.monotonic() + CULL_IDLE + 3 * CULL_INTERVAL + 20
        while (left := kernels(app.port) - start) != {kept} and time.monotonic() < deadline:
            time.sleep(0.5)
        log = app.log.read_text()
        refused = set(re.findall(r"4\d\d POST /voila/api/shutdown/([0-9a-f-]{36})", log))
        culled = set(re.findall(r"Culling .* kernel .* \(([0-9a-f-]{36})\)", log))
        assert left == {kept}, (f"{len(left)} kernels left after {opened + 2} page visits ({len(refused)} "
                                f"shutdown calls refused, {len(culled)} kernels culled); only the open "
                                "page's should remain")
        assert not refused, f"Voila refused {len(refused)} of its own kernel-shutdown calls"
        # The open page, idle for longer than the cull timeout, still answers its controls.
        time.sleep(CULL_IDLE + 2 * CULL_INTERVAL)
        assert kernels(app.port) - start == {kept}
        before = image.get_attribute("src")
        prediction = page.locator(".widget-slider", has=page.locator(".widget-label", has_text="prediction"))
        prediction.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("before => document.querySelector('.widget-image').src !== before", arg=before,
                               timeout=30_000)


@pytest.mark.browser
def test_pages_need_no_internet(app):
    """Every request a page makes that is not to the app itself is aborted and recorded: the folder
    listing, the index and two explorers (the Playground's buttons use Font Awesome icons) still
    render, answer a control and show their icons, and nothing was asked of the internet."""
    external, page_errors = [], []
    local = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]|^(data|blob|about):")
    with chromium_page() as page:
        page.on("pageerror", lambda err: page_errors.append(str(err)))
        page.route("**/*", lambda route: route.continue_() if local.match(route.request.url)
                   else (external.append(route.request.url), route.abort("internetdisconnected")))
        page.goto(app.url + "/")
        page.get_by_text("index.ipynb").first.wait_for(timeout=60_000)
        page.goto(app.url + "/voila/render/index.ipynb")
        wait_rendered(page)
        for name, slider in (("neuron", "w1"), ("playground", "noise")):
            page.locator(f"a[href$='{name}.ipynb']").first.click()
            page.wait_for_url(re.compile(rf".*/{name}\.ipynb$"))
            wait_rendered(page)
            image = page.locator(".widget-image").first
            image.wait_for(state="visible", timeout=120_000)
            page.wait_for_function("() => document.querySelector('.widget-image').naturalWidth > 0",
                                   timeout=60_000)
            before = image.get_attribute("src")
            control = page.locator(".widget-slider", has=page.locator(".widget-label", has_text=slider))
            control.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("before => document.querySelector('.widget-image').src !== before",
                                   arg=before, timeout=30_000)
            if name == "playground":  # its play button's icon is drawn by a font from the app itself
                icon = page.locator(".widget-play button i.fa").first
                assert icon.count() == 1
                font = icon.evaluate("i => getComputedStyle(i, '::before').fontFamily")
                assert "Font Awesome" in font
                assert page.evaluate("() => [...document.fonts].some(f => f.family.includes('Font Awesome')"
                                     " && f.status === 'loaded')"), "no Font Awesome font loaded"
            page.get_by_role("link", name="All explorers").click()
            page.wait_for_url(re.compile(r".*/index\.ipynb$"))
            wait_rendered(page)
    assert external == [], f"the app's pages asked the internet for {sorted(set(external))}"
    assert page_errors == []
