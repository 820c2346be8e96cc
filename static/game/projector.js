/* The projector: re-reads its panel when something changes, and puts every quartet
   laid in the spotlight for a moment with the theme's four calls to action. */
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
