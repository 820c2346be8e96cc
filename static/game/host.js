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
  setInterval(tickClocks, 1000);
  new MutationObserver(tickClocks).observe(panel, { childList: true });
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
