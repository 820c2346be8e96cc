/* The debrief on the projector keeps up with the room by itself: it listens on the
   dashboard's socket and re-reads its slides (morphed in place, so the slide on screen
   stays where it is) when a table's game starts or ends, and after every (re)connect,
   which may have missed one. #debrief announces its socket: data-live "on" or "off". */
"use strict";

(function () {
  const root = document.getElementById("debrief");
  if (!root) return;
  const { schedule } = fragmentRefresher(root, root.dataset.url, 1000, { morph: true });
  const CHANGES = new Set(["game_started", "game_over"]);

  /* The keys and clickers people use (slideStep, dom.js): a whole slide on or back. */
  document.addEventListener("keydown", (event) => {
    const step = slideStep(event);
    if (!step) return;
    const slides = [...root.querySelectorAll(".db-slide")];
    if (!slides.length) return;
    const here = slides.reduce((best, slide, index) =>
      Math.abs(slide.getBoundingClientRect().top) < Math.abs(slides[best].getBoundingClientRect().top) ? index : best, 0);
    const next = Math.min(slides.length - 1, Math.max(0, here + step));
    event.preventDefault();
    slides[next].scrollIntoView({ behavior: "instant", block: "start" });
  });

  liveSocket(root.dataset.socket, {
    onStatus: (open) => { root.dataset.live = open ? "on" : "off"; },
    onMessage: (message) => {
      if (message.type === "hello") { schedule(); return; }
      if (message.type !== "update" || !message.tables) return;
      if (message.tables.some((batch) => batch.events.some((event) => CHANGES.has(event.type)))) schedule();
    },
  });
})();
