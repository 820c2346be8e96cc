/* The projector: re-reads its panel when something changes, and puts every quartet
   laid in the spotlight for a moment with the theme's four calls to action. The type
   of the table grid comes from its size band (projector.css); when a card still
   would not hold its seats (long names, many quartets), --fit lowers it a little. */
"use strict";

(function () {
  const root = document.getElementById("projector");
  const panel = document.getElementById("projector-panel");
  const spotlight = document.getElementById("spotlight");
  const themes = JSON.parse(document.getElementById("themes").textContent);
  const T = JSON.parse(document.getElementById("strings").textContent);
  const queue = [];
  let showing = false;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const { schedule: scheduleRefresh } = fragmentRefresher(panel, root.dataset.url, 1500);
  const SMALLEST_FIT = 0.6;

  function overflowing(cards) {
    return cards.some((card) => card.scrollHeight > card.clientHeight || card.scrollWidth > card.clientWidth);
  }

  /* The quartets laid and the room's ranking fill what the side column has left:
     whole lines only, the newest (or best) first. */
  function trimLists() {
    for (const box of panel.querySelectorAll(".pj-side .pj-feed, .pj-side .pj-room")) {
      const bottom = box.getBoundingClientRect().bottom - parseFloat(getComputedStyle(box).paddingBottom);
      let full = false;
      for (const item of box.querySelectorAll("li")) {
        item.hidden = false;
        full = full || item.getBoundingClientRect().bottom > bottom + 0.5;
        item.hidden = full;
      }
    }
  }

  /* Runs before the new panel is painted (a mutation observer), so nothing flickers. */
  function fit() {
    trimLists();
    const cards = [...panel.querySelectorAll(".pj-board .pj-table")];
    let scale = 1;
    panel.style.setProperty("--fit", "1");
    while (cards.length && scale > SMALLEST_FIT && overflowing(cards)) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      panel.style.setProperty("--fit", String(scale));
    }
  }
  new MutationObserver(fit).observe(panel, { childList: true });
  window.addEventListener("resize", fit);
  fit();

  function show() {
    if (showing || !queue.length) return;
    showing = true;
    const { table, theme } = queue.shift();
    const data = themes[theme];
    spotlight.style.setProperty("--theme", data.colour);
    spotlight.replaceChildren();
    const title = document.createElement("h2");
    title.textContent = T.quartet.replace("%(table)s", table).replace("%(theme)s", data.name);
    const list = document.createElement("ol");
    for (const card of data.cards) {
      const item = document.createElement("li");
      const strong = document.createElement("strong");
      strong.textContent = `${card.number} ${card.title}`;
      const text = document.createElement("p");
      text.textContent = card.cta;
      item.append(strong, text);
      list.append(item);
    }
    spotlight.append(title, list);
    spotlight.hidden = false;
    spotlight.classList.toggle("animate", !reduced);
    setTimeout(() => { spotlight.hidden = true; showing = false; show(); }, 7000);
  }

  liveSocket(root.dataset.socket, {
    onMessage: (message) => {
      if (message.type === "update" && message.tables) {
        for (const batch of message.tables) {
          for (const event of batch.events) {
            if (event.type === "quartet_laid" && !event.dealt) queue.push({ table: batch.number, theme: event.theme });
          }
        }
        queue.splice(0, Math.max(0, queue.length - 2));  // a burst of quartets: show the latest two
        show();
      }
      scheduleRefresh();
    },
  });
})();
