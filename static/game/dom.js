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
