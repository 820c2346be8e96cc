/* A WebSocket that comes back: reconnects with backoff and jitter (so a room of
   phones does not reconnect in the same millisecond), on visibility/pageshow, and
   when a heartbeat goes unanswered (sleeping phones keep dead sockets "open").
   Close codes (game/PROTOCOL.md): 4003 refused, do not come back; 4009 replaced by a
   newer socket of the same player (another tab), come back only when this page is
   shown again, never on a timer, or two tabs would keep closing each other; 4012 the
   server process is restarting, come back at once (within a second, no backoff: another
   process takes over); anything else, 4008, 4013 and 4029 included, back off. */
"use strict";

/* Re-read a page fragment into `element`, at most once every `gap` ms however often
   it is asked for: a busy room sends many updates, the server renders once a while.
   With `morph` (Idiomorph, static/vendor) only what changed is touched: the elements
   someone is using (an open menu, its button) stay the same elements, and a <details>
   keeps the open state the person gave it; a field being filled in holds the read back. The element announces its
   state: data-pending while a read is due, aria-busy while one is under way, data-seq
   counting the reads applied, and data-held while a read waits for someone to finish
   typing or choosing. Settled (nothing due, nothing under way) is when to measure it. */
function fragmentRefresher(element, url, gap, { morph = false, onUpdate = null } = {}) {
  let pending = null;
  let lastFetch = 0;
  let applied = 0;
  /* Someone is typing or choosing in the fragment (a poll's question, a table to move
     a player to): replacing it now would throw their input away, so wait. */
  function busy() {
    const active = document.activeElement;
    return Boolean(active && element.contains(active) && active.matches("input, textarea, select"));
  }
  function swap(html) {
    if (morph) {
      Idiomorph.morph(element, html, {
        morphStyle: "innerHTML",
        callbacks: {
          // The server never opens a menu: whether it is open is the person's choice.
          beforeAttributeUpdated: (name, node) => !(name === "open" && node.localName === "details"),
        },
      });
      return;
    }
    // Sections the person opened stay open (by their place in the fragment).
    const open = [...element.querySelectorAll("details")].map((d) => d.open);
    element.innerHTML = html;
    element.querySelectorAll("details").forEach((d, i) => { if (open[i]) d.open = true; });
  }
  let asked = 0;  // reads started; only the newest one's answer is applied
  function later(delay) {
    element.dataset.pending = "";
    pending = pending || setTimeout(refresh, delay);
  }
  function hold() {
    element.dataset.held = "";
    later(gap);
  }
  async function refresh() {
    clearTimeout(pending);
    pending = null;
    delete element.dataset.pending;
    if (busy()) { hold(); return; }
    delete element.dataset.held;
    lastFetch = Date.now();
    const mine = ++asked;
    element.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      const html = response.ok ? await response.text() : null;
      if (html === null || mine !== asked) return;
      if (busy()) { hold(); return; }
      swap(html);
      applied += 1;
      element.dataset.seq = String(applied);
      if (onUpdate) onUpdate();
    } catch (error) {
      // No answer (the server restarts): the socket's reconnect asks again.
    } finally {
      if (mine === asked) element.removeAttribute("aria-busy");
    }
  }
  return {
    refresh,
    schedule() {
      later(Math.max(0, gap - (Date.now() - lastFetch)));
    },
  };
}

function liveSocket(path, handlers) {
  let ws = null;
  let attempt = 0;
  let timer = null;
  let heartbeat = null;
  let lastSeen = Date.now();
  const url = () => {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const query = handlers.query ? handlers.query() : "";
    return scheme + location.host + path + (query ? "?" + query : "");
  };

  function connect() {
    clearTimeout(timer);
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
    ws = new WebSocket(url());
    ws.onopen = () => {
      attempt = 0;
      lastSeen = Date.now();
      handlers.onStatus && handlers.onStatus(true);
    };
    ws.onmessage = (event) => {
      lastSeen = Date.now();
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type !== "pong") handlers.onMessage(message);
    };
    ws.onclose = (event) => {
      handlers.onStatus && handlers.onStatus(false);
      if (event.code === 4003) { handlers.onForbidden && handlers.onForbidden(); return; }
      if (event.code === 4009) { handlers.onReplaced && handlers.onReplaced(); return; }
      let delay;
      if (event.code === 4012) {
        attempt = 0;
        delay = Math.random() * 1000;
      } else {
        delay = Math.min(15000, 500 * 2 ** attempt) * (0.5 + Math.random());
        attempt += 1;
      }
      timer = setTimeout(connect, delay);
    };
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); return true; }
    return false;
  }

  heartbeat = setInterval(() => {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastSeen > 45000) { ws.close(); return; }  // dead but "open"
    send({ type: "ping" });
  }, 20000);

  /* A phone that slept a while may hold a half-dead socket or a backlog of pushes: a
     fresh socket (with since=) catches up in one message instead. */
  let hiddenAt = 0;
  function wake() {
    if (document.visibilityState === "hidden") { hiddenAt = hiddenAt || Date.now(); return; }
    const slept = hiddenAt && Date.now() - hiddenAt > 30000;
    hiddenAt = 0;
    if (!ws || ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) {
      attempt = 0;
      connect();
    } else if (slept) {
      attempt = 0;
      ws.close();  // onclose reconnects within a second
    } else {
      send({ type: "ping" });
    }
  }
  document.addEventListener("visibilitychange", wake);
  window.addEventListener("pageshow", wake);
  window.addEventListener("online", wake);
  connect();
  return { send, reconnect: () => { if (ws) ws.close(); }, get socket() { return ws; } };
}
