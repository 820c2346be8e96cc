"""Measurements taken in the page, each in one step (a ``page.evaluate`` or a
``locator.evaluate``), so a panel re-read meanwhile cannot hand a test half of one
element and half of its replacement: how wide the page scrolls, which controls are
smaller than a thumb, the smallest text on screen, what runs out of the viewport, and
whether one element covers another.
"""

from __future__ import annotations

from typing import Any

try:
    from playwright.sync_api import Locator, Page
except ImportError:  # the conftest skips these tests (or fails them where required)
    Locator = Page = Any

MIN_TAP = 44  # px: WCAG 2.5.5, the app's --tap
READABLE_PX = 18  # the smallest text on a projector of 1280x720, read from the back

# A short description of an element, for a failure message.
_DESCRIBE = """const describe = (el) => {
  const text = (el.innerText || el.textContent || el.value || el.getAttribute("aria-label") || "")
    .trim().replace(/\\s+/g, " ");
  const cls = typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} "${text.slice(0, 40)}"`;
};"""

# How wide the page is against the window (a phone zooms a page out to its width, so
# the window's own width is compared too).
WIDTHS = """() => ({
  scrollWidth: document.scrollingElement.scrollWidth,
  scrollHeight: document.scrollingElement.scrollHeight,
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
})"""

# Every visible control under the smallest size, but the skip link (off-screen until
# focused).
SMALL_TARGETS = (
    """(minimum) => {"""
    + _DESCRIBE
    + """
  const offenders = [];
  const controls = document.querySelectorAll("a[href], button, input:not([type=hidden]), "
    + "select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // not rendered
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
    // A radio button or a check box counts by its label, which is the target.
    const target = el.matches("input[type=radio], input[type=checkbox]") && el.closest("label")
      ? el.closest("label").getBoundingClientRect() : box;
    if (target.width < minimum - 0.5 || target.height < minimum - 0.5) {
      offenders.push(`${describe(el)}: ${Math.round(target.width)}x${Math.round(target.height)}`);
    }
  }
  return offenders;
}"""
)

# The rendered size of every visible piece of text (an SVG's text times the drawing's
# scale), the smallest first; text kept for screen readers only is left out.
TEXT_SIZES = (
    """(root) => {"""
    + _DESCRIBE
    + """
  // Kept for screen readers only: inside a box of a pixel that hides what overflows.
  const srOnly = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const b = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      if ((b.width <= 1 || b.height <= 1) && (style.overflow !== "visible" || style.clip !== "auto")) return true;
    }
    return false;
  };
  const sizes = [];
  const walker = document.createTreeWalker(root || document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest("script, style, title, desc, option")) continue;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    if (srOnly(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement && el.getScreenCTM()) px *= Math.abs(el.getScreenCTM().a);
    sizes.push({ px: Math.round(px * 100) / 100, what: describe(el) });
  }
  return sizes.sort((a, b) => a.px - b.px);
}"""
)

# The elements matching a selector that are not wholly inside the window.
OUTSIDE = (
    """(selector) => {"""
    + _DESCRIBE
    + """
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const b = el.getBoundingClientRect();
    if (b.left < -0.5 || b.top < -0.5 || b.right > innerWidth + 0.5 || b.bottom > innerHeight + 0.5) {
      out.push(`${describe(el)} at ${Math.round(b.left)},${Math.round(b.top)}`
        + `-${Math.round(b.right)},${Math.round(b.bottom)}`);
    }
  }
  return out;
}"""
)

# The elements matching a selector whose content is cut off by their own box.
CLIPPED = (
    """(selector) => {"""
    + _DESCRIBE
    + """
  return [...document.querySelectorAll(selector)]
    .filter((el) => el.checkVisibility())
    .filter((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${describe(el)}: ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
}"""
)

# Whether the element (the locator's) is covered at its centre by another, and their
# boxes: what a tap on it would hit.
HIT = """(el) => {
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const top = document.elementFromPoint(x, y);
  return {
    box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom },
    reached: Boolean(top && (top === el || el.contains(top))),
    on_top: top ? `${top.tagName.toLowerCase()}#${top.id}.${top.className}` : null,
  };
}"""

# The box of every element a selector matches, for overlap checks.
BOXES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.checkVisibility({ visibilityProperty: true }))
  .map((el) => {
    const b = el.getBoundingClientRect();
    return { left: b.left, top: b.top, right: b.right, bottom: b.bottom, id: el.id };
  })"""


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    )


def no_side_scroll(page: Page, where: str, *, quiet: bool = False) -> dict[str, int]:
    """The page is no wider than the window, and the window no wider than the screen
    (a phone would zoom a wider page out)."""
    widths = page.evaluate(WIDTHS)
    width = page.viewport_size["width"]
    if not quiet:
        print(f"{where}: scrollWidth {widths['scrollWidth']} in a window of {widths['innerWidth']}")
    assert widths["innerWidth"] == width, f"{where}: zoomed out to {widths['innerWidth']} px"
    assert widths["scrollWidth"] <= width, f"{where}: the page is {widths['scrollWidth']} px wide"
    return widths


def small_targets(page: Page, where: str) -> list[str]:
    return [f"{where}: {offender}" for offender in page.evaluate(SMALL_TARGETS, MIN_TAP)]


def text_sizes(page: Page, root: Locator | None = None) -> list[dict[str, Any]]:
    """Every visible piece of text with its size in px, the smallest first."""
    if root is not None:
        return root.evaluate(TEXT_SIZES)
    return page.evaluate(TEXT_SIZES, None)


def smallest_text(
    page: Page, where: str, minimum: float = READABLE_PX, *, quiet: bool = False
) -> float:
    """The smallest text on screen, at least ``minimum`` px."""
    sizes = text_sizes(page)
    assert sizes, f"{where}: no text on screen"
    small = [f"{size['px']} px {size['what']}" for size in sizes if size["px"] < minimum - 0.01]
    if not quiet:
        print(f"{where}: the smallest text is {sizes[0]['px']} px ({sizes[0]['what']})")
    assert not small, f"{where}: text under {minimum} px:\n" + "\n".join(small[:20])
    return sizes[0]["px"]


def outside(page: Page, selector: str) -> list[str]:
    return page.evaluate(OUTSIDE, selector)


def clipped(page: Page, selector: str) -> list[str]:
    return page.evaluate(CLIPPED, selector)
