/* Plan mates on the plan page: the people at this table, and for each a button that
   asks, answers or undoes (game.views.plan.plan_mates). The server decides; this page
   draws what it answers, and looks again every 15 s while shown (a table-mate's ask). */
"use strict";

(function () {
  const section = document.getElementById("plan-mates");
  if (!section) return;
  const data = JSON.parse(document.getElementById("plan-data").textContent);
  const T = data.texts;
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const list = document.getElementById("mates-list");
  const status = document.getElementById("mates-status");
  let state = data.mates;
  let busy = false;

  function button(label, action, mate, outline) {
    return el("button", {
      type: "button", class: outline ? "btn btn-outline btn-compact" : "btn btn-compact",
      disabled: busy || (action !== "undo" && action !== "no" && (!state.address || !state.open)),
      onclick: () => act(action, mate.id),
    }, label);
  }

  function draw() {
    section.hidden = state.mates.length === 0;
    document.getElementById("mates-need-address").hidden = state.address || !state.open;
    list.replaceChildren(...state.mates.map((mate) => {
      let what = "";
      let buttons = [];
      if (mate.state === "mates") { what = T.mate_agreed; buttons = [button(T.mate_undo, "undo", mate, true)]; }
      else if (mate.state === "asked") { what = T.mate_asked; buttons = [button(T.mate_take_back, "undo", mate, true)]; }
      else if (mate.state === "asks_you") { what = T.mate_asks_you; buttons = [button(T.mate_yes, "yes", mate), button(T.mate_no, "no", mate, true)]; }
      else if (!state.full) buttons = [button(T.mate_ask, "ask", mate)];
      return el("li", { class: "mate is-" + (mate.state || "none"), "data-player": String(mate.id) },
        el("span", { class: "mate-name", dir: "auto" }, mate.name),
        el("span", { class: "mate-state" }, what),
        el("span", { class: "mate-buttons" }, ...buttons));
    }));
  }

  async function request(init) {
    const response = await fetch(section.dataset.url, { credentials: "same-origin", ...init });
    const body = await response.json();
    if (!response.ok) throw new Error(body.message);
    state = body;
    draw();
  }

  async function act(action, player) {
    busy = true;
    draw();
    status.textContent = "";
    try {
      await request({
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ action, player }),
      });
    } catch (error) {
      status.textContent = error.message || T.offline;
    } finally {
      busy = false;
      draw();
    }
  }

  async function refresh() {
    if (busy || document.hidden) return;
    try { await request({}); } catch (error) { /* offline: the next look tries again */ }
  }

  // The address was kept or removed (plan.js): asking may be possible now.
  document.addEventListener("plan:contact", refresh);
  document.addEventListener("visibilitychange", refresh);
  setInterval(refresh, 15000);
  draw();
})();
