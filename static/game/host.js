/* The facilitator's dashboard: the panel is re-fetched (at most once a second) when
   the socket says something changed and morphed in place, so the menu or field the
   facilitator is using stays put (socket.js); buttons post without leaving the page. */
"use strict";

(function () {
  const panel = document.getElementById("panel");
  const status = document.getElementById("live-status");
  const { refresh, schedule: scheduleRefresh } = fragmentRefresher(panel, panel.dataset.url, 1000, {
    morph: true,
    onUpdate: () => tickClocks(),
  });

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
  /* One menu open at a time. */
  panel.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details.open && details.matches && details.matches(".popover-menu")) closeMenus(details);
  }, true);

  /* A click elsewhere or Escape closes the open menu. */
  function closeMenus(except) {
    for (const menu of panel.querySelectorAll(".popover-menu[open]")) {
      if (menu !== except) menu.open = false;
    }
  }
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".popover-menu[open]")) closeMenus(null);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = document.activeElement && document.activeElement.closest(".popover-menu[open]");
    closeMenus(null);
    if (menu) menu.querySelector("summary").focus();
  });

  setInterval(tickClocks, 1000);
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
