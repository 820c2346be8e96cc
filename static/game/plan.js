/* The plan editor: every change is kept on the phone at once and saved to the server
   shortly after, so nothing is lost when the phone sleeps or the page reloads. */
"use strict";

(function () {
  const data = JSON.parse(document.getElementById("plan-data").textContent);
  const T = data.texts;
  const form = document.getElementById("plan");
  const status = document.getElementById("plan-status");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  form.addEventListener("submit", (event) => event.preventDefault());  // saved as typed
  const draftKey = "plan-draft:" + location.pathname;
  const cards = {};
  const themeOf = {};
  for (const theme of data.themes) for (const card of theme.cards) { cards[card.key] = card; themeOf[card.key] = theme; }

  // A draft on this phone that never reached the server wins over the server's copy.
  let items = data.items;
  try {
    const draft = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (draft && draft.unsaved) items = draft.items;
  } catch (e) { /* no storage: the server's copy it is */ }
  let timer = null;
  let edits = 0;  // changes made on this page; a save answers for those it sent

  function keep(unsaved) {
    try { localStorage.setItem(draftKey, JSON.stringify({ items, unsaved })); } catch (e) { /* full or private */ }
  }

  function changed() {
    edits += 1;
    keep(true);
    status.textContent = T.saving;
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  /* "Saved" only when the server has every change: an answer to an older save, while
     newer changes wait for theirs, says nothing. keepalive lets the last save of a
     page being left still reach the server. */
  async function save() {
    timer = null;
    if (!data.editable) return;
    const sent = edits;
    try {
      const response = await fetch(form.dataset.save, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(items),
      });
      const body = await response.json();
      if (sent !== edits) return;  // newer changes: their own save answers
      if (!response.ok) { status.textContent = body.message; return; }
      keep(false);
      status.textContent = T.saved;
    } catch (e) {
      if (sent === edits) status.textContent = T.offline;
    }
  }

  function renderItems() {
    const list = document.getElementById("plan-items");
    list.replaceChildren(...items.map((item, index) => {
      const card = cards[item.card];
      const theme = themeOf[item.card];
      const id = `item-${index}`;
      const field = (name, control) => { control.addEventListener("input", () => { item[name] = control.value; changed(); }); return control; };
      const sector = el("select", { id: `${id}-sector`, disabled: !data.editable },
        el("option", { value: "" }, T.choose), ...data.sectors.map(([value, label]) => el("option", { value, selected: item.sector === value }, label)));
      return el("li", { class: "plan-item", style: `--theme: ${theme.colour}` },
        el("h2", {}, el("span", { class: "card-number" }, String(card.number)), " ", card.title, " ", el("small", {}, theme.name)),
        el("p", { class: "plan-cta", lang: "nl" }, card.cta),
        el("label", { for: `${id}-action` }, T.what),
        field("action", el("textarea", { id: `${id}-action`, rows: "3", maxlength: "1000", disabled: !data.editable }, item.action || "")),
        el("label", { for: `${id}-sector` }, T.with),
        field("sector", sector),
        el("label", { for: `${id}-when` }, T.when),
        field("by_when", el("input", { id: `${id}-when`, value: item.by_when || "", maxlength: "60", disabled: !data.editable })),
        el("label", { for: `${id}-if` }, T.if_then),
        el("p", { class: "field-hint", id: `${id}-if-hint` }, T.if_then_hint),
        field("if_then", el("input", { id: `${id}-if`, value: item.if_then || "", maxlength: "200", disabled: !data.editable, "aria-describedby": `${id}-if-hint` })),
        helpersOf(item.card),
        data.editable ? el("div", { class: "button-row" },
          el("button", { type: "button", class: "btn btn-outline", disabled: index === 0, onclick: () => move(index, -1) }, "↑ " + T.up),
          el("button", { type: "button", class: "btn btn-outline", disabled: index === items.length - 1, onclick: () => move(index, 1) }, "↓ " + T.down),
          el("button", { type: "button", class: "btn btn-danger", onclick: () => { items.splice(index, 1); changed(); render(); } }, T.remove)) : "");
    }));
  }

  /* The programme's helpers for this card or its theme: who they are, what they offer,
     and how to reach them where they allow it. */
  function helpersOf(key) {
    const helpers = data.helpers[key] || [];
    if (!helpers.length) return "";
    return el("section", { class: "plan-helpers" },
      el("h3", {}, T.helpers),
      el("ul", {}, ...helpers.map((h) => el("li", {},
        el("strong", {}, h.name), h.organisation ? ` · ${h.organisation}` : "", el("br"), h.offer,
        ...(h.url ? [el("br"), el("a", { href: h.url, rel: "noopener", target: "_blank" }, h.url)] : []),
        ...(h.email ? [el("br"), el("a", { href: `mailto:${h.email}` }, h.email)] : []),
        ...(h.phone ? [el("br"), el("a", { href: `tel:${h.phone.replace(/[^0-9+]/g, "")}` }, h.phone)] : [])))));
  }

  function move(index, step) {
    const [item] = items.splice(index, 1);
    items.splice(index + step, 0, item);
    changed();
    render();
  }

  function renderCards() {
    const inPlan = new Set(items.map((item) => item.card));
    const full = items.length >= data.max;
    document.getElementById("plan-cards").replaceChildren(
      ...(full && data.editable ? [el("p", { class: "notice" }, T.full)] : []),
      ...data.themes.map((theme) => el("section", { class: "plan-theme", style: `--theme: ${theme.colour}` },
        el("h3", {}, themeHeading(theme)),
        el("ul", {}, ...theme.cards.map((card) => el("li", {},
          el("button", {
            type: "button", class: "plan-add", disabled: !data.editable || full || inPlan.has(card.key),
            onclick: () => add(card.key),
          }, el("span", { class: "card-number" }, String(card.number)), " ", card.title, " — ", inPlan.has(card.key) ? T.added : T.add)))))));
  }

  /* A card added: its questions next, in view, the first one to type in. */
  function add(key) {
    items.push({ card: key, action: "", sector: "", by_when: "", if_then: "" });
    changed();
    render();
    const what = document.getElementById(`item-${items.length - 1}-action`);
    what.scrollIntoView({ block: "center" });
    what.focus({ preventScroll: true });
  }

  function themeHeading(theme) {
    if (theme.collected) return `${theme.name} ★ ${T.mine}`;
    return theme.in_room ? `${theme.name} · ${T.in_room}` : theme.name;
  }

  /* The address and the print buttons come once the plan holds a card; "send me my plan
     now" once there is also an address with consent. */
  let kept = data.contact.consent;
  function renderAround() {
    const empty = items.length === 0;
    document.getElementById("plan-empty").hidden = !empty;
    document.getElementById("plan-keep").hidden = empty;
    const mailBlock = document.getElementById("plan-mail");
    if (mailBlock) mailBlock.hidden = empty;
    const send = document.getElementById("plan-send");
    if (send) send.hidden = empty || !kept;
  }

  function render() {
    renderItems();
    renderCards();
    renderAround();
  }

  /* The plan by e-mail: the address and its consent are saved as they change, apart
     from the cards (a half-typed address never holds the plan back). An address the
     browser does not take for one is not sent: the message says why. */
  const mail = document.getElementById("plan-mail");
  const email = document.getElementById("plan-email");
  if (mail && email) {
    const consent = document.getElementById("plan-consent");
    const error = document.getElementById("plan-email-error");
    const mailStatus = document.getElementById("plan-mail-status");
    const send = document.getElementById("plan-send");
    let mailTimer = null;
    const showError = (message) => {
      error.textContent = message;
      error.hidden = !message;
      email.setAttribute("aria-invalid", message ? "true" : "false");
    };
    /* Saves go one after another, so the server ends with the last state even when a
       blur and a tick fire together. */
    let queue = Promise.resolve();
    function saveContact() { queue = queue.then(postContact, postContact); }
    async function postContact() {
      const address = email.value.trim();
      if (address && !email.checkValidity()) { showError(T.not_email); mailStatus.textContent = ""; return; }
      showError("");
      if (address && !consent.checked) mailStatus.textContent = T.need_consent;
      else mailStatus.textContent = T.saving;
      try {
        const response = await fetch(mail.dataset.save, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ email: address, consent: consent.checked }),
        });
        const body = await response.json();
        if (!response.ok) { showError(body.message); mailStatus.textContent = ""; return; }
        if (body.kept) mailStatus.textContent = fmt(T.mail_kept, { email: address });
        else if (!(address && !consent.checked)) mailStatus.textContent = T.mail_removed;
        kept = body.kept;
        renderAround();
        document.dispatchEvent(new CustomEvent("plan:contact"));
      } catch (e) {
        mailStatus.textContent = T.offline;
      }
    }
    const circle = document.getElementById("plan-circle");
    if (circle) circle.addEventListener("change", async () => {
      try {
        const response = await fetch(circle.dataset.save, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ on: circle.checked }),
        });
        const body = await response.json();
        if (!response.ok) { circle.checked = false; mailStatus.textContent = body.message; return; }
        mailStatus.textContent = body.on ? T.circle_on : T.circle_off;
      } catch (e) {
        mailStatus.textContent = T.offline;
      }
    });
    email.addEventListener("input", () => { clearTimeout(mailTimer); mailTimer = setTimeout(saveContact, 900); });
    email.addEventListener("change", () => { clearTimeout(mailTimer); saveContact(); });
    consent.addEventListener("change", () => { clearTimeout(mailTimer); saveContact(); });
    send.addEventListener("click", async () => {
      send.disabled = true;
      try {
        const response = await fetch(mail.dataset.send, {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf },
        });
        const body = await response.json();
        mailStatus.textContent = response.ok ? fmt(T.mail_sent, { email: email.value.trim() }) : body.message;
      } catch (e) {
        mailStatus.textContent = T.offline;
      } finally {
        send.disabled = false;
      }
    });
  }

  if (!data.editable) status.textContent = T.closed;
  render();
  if (items !== data.items) changed();  // push the phone's unsaved draft
  window.addEventListener("pagehide", () => { if (timer) { clearTimeout(timer); save(); } });
})();
