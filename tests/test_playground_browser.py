"""The Playground on one projector screen (issue 28): at 1366x768 its controls and its picture are on
screen together without scrolling, and nothing moves when a button changes state (play, Keras code).
Here in the Voila app (`make app`); tests/test_explorers_browser.py runs the same checks in JupyterLab
with the file browser open. Screenshots land in .cache/playground/.

Skipped when /usr/bin/chromium is missing, except under CI (CI=true), where it must run.
"""
import pytest

from browser_support import ROOT, chromium_page, free_port, require_chromium, serving

pytestmark = pytest.mark.browser
require_chromium()
SHOTS = ROOT / ".cache" / "playground"

# Every control of the Playground that is shown (not those in the collapsed "more settings" group) and its
# picture, with their boxes; and the box they must fit in: the viewport, cut to the nearest scrolling
# ancestor (JupyterLab's notebook panel ends above the status bar).
ON_SCREEN = """
(box) => {
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  let clip = [0, 0, window.innerWidth, window.innerHeight];
  for (let a = box.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (['auto', 'scroll', 'hidden'].includes(s.overflowY) && a.scrollHeight > a.clientHeight) {
      const r = rect(a);
      clip = [Math.max(clip[0], r[0]), Math.max(clip[1], r[1]), Math.min(clip[2], r[2]), Math.min(clip[3], r[3])];
      break;
    }
  }
  const sel = '.widget-slider, .widget-dropdown, .widget-toggle-button, .widget-button, .widget-play, .widget-image';
  const items = [...box.querySelectorAll(sel)]
    .filter(el => el.offsetParent !== null && !el.closest('.widget-play .widget-button'))
    .map(el => [(el.className.split(' ').find(c => c.startsWith('widget-') || c.startsWith('jupyter-widget-'))
                 || el.tagName) + ' "' + (el.textContent || '').trim().slice(0, 20) + '"', rect(el)]);
  return {clip, items};
}
"""


def off_screen(box) -> list[str]:
    """What of the Playground in `box` (its output element) lies outside the screen as it is now."""
    found = box.evaluate(ON_SCREEN)
    x0, y0, x1, y1 = found["clip"]
    assert any(name.startswith("widget-image") for name, _ in found["items"]), found["items"]
    assert len(found["items"]) > 20, found["items"]
    return [f"{name} at {[round(v) for v in r]} outside {[round(v) for v in found['clip']]}"
            for name, r in found["items"]
            if r[0] < x0 - 1 or r[1] < y0 - 1 or r[2] > x1 + 1 or r[3] > y1 + 1]


def rect(locator) -> list[int]:
    return [round(v) for v in locator.evaluate("el => { const r = el.getBoundingClientRect();"
                                               " return [r.left, r.top, r.right, r.bottom]; }")]


def epoch(box) -> int:
    text = box.locator(".widget-html b").filter(has_text="epoch").first.inner_text()
    return int(text.split()[-1])


def play_moves_nothing(box) -> dict:
    """Press play, let it train a few frames, stop; and open and close the Keras code. Returns the boxes
    of the picture and the buttons at each moment, and where the Keras code opened."""
    page = box.page
    image, keras = box.locator(".widget-image").first, box.get_by_role("button", name="Keras code")
    seen = {"picture": [rect(image)], "Keras code button": [rect(keras)]}
    start = epoch(box)
    box.locator(".widget-play button").first.click()                   # play
    page.wait_for_function("([el, start]) => { const b = [...el.querySelectorAll('.widget-html b')]"
                           ".find(b => b.textContent.startsWith('epoch'));"
                           " return b && parseInt(b.textContent.split(' ')[1]) >= start + 3; }",
                           arg=[box.element_handle(), start], timeout=30_000)
    seen["picture"].append(rect(image))
    seen["Keras code button"].append(rect(keras))
    box.locator(".widget-play button").nth(1).click()                  # stop
    page.wait_for_timeout(700)
    seen["picture"].append(rect(image))
    seen["Keras code button"].append(rect(keras))
    keras.click()
    code = box.locator(".dlteach-keras-code")
    code.wait_for(state="visible", timeout=30_000)
    seen["code"] = rect(code)
    seen["code_box"] = rect(code.locator("xpath=ancestor::div[contains(@class, 'widget-html')][1]"))
    keras.click()
    image.wait_for(state="visible", timeout=30_000)
    seen["picture"].append(rect(image))
    return seen


def assert_still(seen: dict, clip_bottom: float):
    for name in ("picture", "Keras code button"):
        assert all(r == seen[name][0] for r in seen[name]), f"the {name} moved: {seen[name]}"
    picture = seen["picture"][0]
    # the code opens where the picture was (its box at the picture's place), and its start is on screen
    assert abs(seen["code_box"][1] - picture[1]) <= 2 and seen["code"][1] < clip_bottom - 100, seen


@pytest.fixture(scope="module")
def app():
    port = free_port()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(["make", "--no-print-directory", "app", f"APP_PORT={port}"], f"http://127.0.0.1:{port}", "/",
                 SHOTS / "voila.log", timeout=90, cwd=ROOT) as url:
        yield url


def test_the_playground_app_shows_controls_and_picture_together(app):
    with chromium_page() as page:
        page.goto(app + "/voila/render/playground.ipynb")
        image = page.locator(".widget-image").first
        image.wait_for(state="visible", timeout=120_000)
        page.wait_for_function("() => document.querySelector('.widget-image').naturalWidth > 0", timeout=60_000)
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.scrollY") == 0
        box = page.locator(".widget-vbox").filter(has=image).first
        page.screenshot(path=str(SHOTS / "voila-1366x768.png"))
        assert off_screen(box) == []
        seen = play_moves_nothing(box)
        page.screenshot(path=str(SHOTS / "voila-1366x768-after.png"))
        assert_still(seen, 768)
