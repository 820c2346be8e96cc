/* Small helpers shared by the pages' scripts (loaded before them). */
"use strict";

/* A name inside a sentence, isolated (FSI ... PDI, like <bdi>): a right-to-left name
   cannot reorder the sentence around it. The server takes bidi controls out of names;
   these two are ours. */
function isolated(name) {
  return "\u2068" + name + "\u2069";
}

/* A translated text with its %(name)s placeholders filled in from `params`, as
   Python's % does on the server; a placeholder without a value is left empty. The
   values go in as text, never as a replace() pattern ($& and the like stay as typed). */
function fmt(text, params) {
  return text.replace(/%\((\w+)\)s/g, (_, key) => (Object.hasOwn(params, key) ? String(params[key]) : ""));
}

/* el("button", {class: "x", onclick: fn, disabled: true}, "text", child) */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

/* The keys and clickers people use to go through slides: a clicker sends PageDown and
   PageUp (or the arrows), a keyboard the arrows and the space bar (Shift+space back).
   1 for the next slide, -1 for the one before, 0 for any other key, a key with a
   modifier, or one typed into a field or on a link or button (that key is theirs). */
const NEXT_KEYS = new Set(["ArrowRight", "ArrowDown", "PageDown", " "]);
const BACK_KEYS = new Set(["ArrowLeft", "ArrowUp", "PageUp"]);
function slideStep(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return 0;
  if (event.target.closest && event.target.closest("input, textarea, select, button, a, summary")) return 0;
  if (event.key === " " && event.shiftKey) return -1;
  return NEXT_KEYS.has(event.key) ? 1 : BACK_KEYS.has(event.key) ? -1 : 0;
}
