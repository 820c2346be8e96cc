/* The facilitator's dashboard: the panel is re-fetched (at most once a second) when
   the socket says something changed; buttons post without leaving the page. */
"use strict";

(function () {
  const panel = document.getElementById("panel");
  const status = document.getElementById("live-status");
  const { refresh, schedule: scheduleRefresh } = fragmentRefresher(panel, panel.dataset.url, 1000);

  panel.addEventListener("submit", async (event) => {
    const form = event.target;
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    const menu = form.closest(".popover-menu");
    if (menu) menu.open = false;  // done with it: the menu closes as the action goes
    const data = new FormData(form);
    if (button && button.name) data.set(button.name, button.value);
    // form.action would be the button named "action"; read the attribute.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({ message: response.statusText }));
      window.alert(body.message);
    }
    refresh();
  });

  /* "No connection since ..." and the like: minutes and seconds, counted here. */
  function tickClocks() {
    for (const clock of panel.querySelectorAll("[data-since]")) {
      const seconds = Math.max(0, Math.round((Date.now() - Date.parse(clock.dataset.since)) / 1000));
      clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    }
  }
  /* Menus and sections the facilitator opened stay open when the panel is re-read: by
     their data-key (a player's menu is "seat-<id>"), since the refresher's own memory is
     by place, and places shift when a seat or a table comes or goes. */
  const opened = new Set();
  function reopen() {
    for (const details of panel.querySelectorAll("details[data-key]")) {
      details.open = opened.has(details.dataset.key);
    }
  }
  panel.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!details.dataset || !details.dataset.key) return;
    if (details.open) opened.add(details.dataset.key); else opened.delete(details.dataset.key);
    if (details.open && details.matches(".popover-menu")) closeMenus(details);
  }, true);

  /* One menu open at a time; a click elsewhere or Escape closes it. */
  function closeMenus(except) {
    for (const menu of panel.querySelectorAll(".popover-menu[open]")) {
      if (menu !== except) menu.open = false;
    }
  }
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".popover-menu[open]")) closeMenus(null);
    // A summary clicked with a mouse keeps no focus: focus on a summary holds the
    // panel's refresh back (for the keyboard), and its open state is kept by key anyway.
    const summary = event.target.closest("#panel summary");
    if (summary && event.detail > 0) setTimeout(() => summary.blur(), 0);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = document.activeElement && document.activeElement.closest(".popover-menu[open]");
    closeMenus(null);
    if (menu) menu.querySelector("summary").focus();
  });

  setInterval(tickClocks, 1000);
  new MutationObserver(() => { reopen(); tickClocks(); }).observe(panel, { childList: true });
  tickClocks();
  // Who is offline changes without an event: look again now and then.
  setInterval(scheduleRefresh, 20000);

  liveSocket(panel.dataset.socket, {
    onMessage: scheduleRefresh,
    onStatus: (online) => {
      status.textContent = online ? status.dataset.online : status.dataset.offline;
      status.classList.toggle("offline", !online);
      if (online) scheduleRefresh();
    },
  });
})();
