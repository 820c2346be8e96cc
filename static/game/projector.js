/* The projector: re-reads its panel when something changes, and puts every quartet
   laid in the spotlight for a moment with the theme's four calls to action. The type
   of the table grid comes from its size band (projector.css); when a card still
   would not hold its seats (long names, many quartets, a small projector), --fit
   lowers it a little, down to the smallest type (18 px), and then the cards go
   compact. Before play the names that no longer fit give way to the newest. */
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

  /* A card whose seats do not fit, a seat whose name or quartets run into its count,
     or a band that cuts its word (over, paused, waiting). */
  function overflowing(cards) {
    const cut = (el) => el.scrollWidth > el.clientWidth + 1;
    return cards.some((card) => card.scrollHeight > card.clientHeight || cut(card)
      || [...card.querySelectorAll(".pj-who, h2 .pj-badge")].some(cut));
  }

  /* A list fills what its box has left: whole lines only, the newest (or best) first. */
  function trimList(box) {
    const bottom = box.getBoundingClientRect().bottom - parseFloat(getComputedStyle(box).paddingBottom);
    let full = false;
    for (const item of box.querySelectorAll("li")) {
      item.hidden = false;
      full = full || item.getBoundingClientRect().bottom > bottom + 0.5;
      item.hidden = full;
    }
  }

  /* The side column holds what fits: a list with no line left goes, heading and all;
     while the column still runs over, the quartets laid go (the spotlight shows them
     too), then the top ideas. */
  function fitSide() {
    const side = panel.querySelector(".pj-side");
    if (!side) return;
    const lists = [...side.querySelectorAll(":scope > .pj-ideas, :scope > .pj-feed")];
    for (const list of lists) list.hidden = false;
    for (const list of lists) trimList(list);
    for (const list of lists) if (!list.querySelector("li:not([hidden])")) list.hidden = true;
    for (const list of side.querySelectorAll(":scope > .pj-feed, :scope > .pj-ideas")) {
      if (side.scrollHeight <= side.clientHeight + 0.5) break;
      list.hidden = true;
    }
  }

  /* Before play: the names in the order they joined; when they no longer fit, the
     earliest give way to the newest, counted in a chip of their own. */
  function trimNames() {
    const list = panel.querySelector(".pj-names .chips");
    if (!list) return;
    const names = [...list.querySelectorAll("li.chip:not(.pj-more)")];
    for (const name of names) name.hidden = false;
    const old = list.querySelector(".pj-more");
    if (old) old.remove();
    const full = () => list.scrollHeight > list.clientHeight + 0.5;
    if (!full()) return;
    const more = document.createElement("li");
    more.className = "chip pj-more";
    list.prepend(more);
    let gone = 0;
    while (gone < names.length && full()) {
      names[gone].hidden = true;
      gone += 1;
      more.textContent = fmt(T.earlier, { count: gone });
    }
  }

  /* After play: the room's ranking in as many columns as its longest line allows and as
     many rows as the height holds, beside the top ideas. What does not fit on one
     screen becomes slides: a page of the ranking each, then the top ideas on their own;
     they turn every SLIDE_MS, and with the keys and clickers people use. */
  const SLIDE_MS = 12000;
  let slides = [];
  let slide = 0;
  let turning = null;

  function rankingShape(list, items) {
    list.classList.remove("is-wrapping");
    list.classList.add("is-measuring");
    const widest = Math.max(...items.map((item) => item.getBoundingClientRect().width));
    let tallest = Math.max(...items.map((item) => item.getBoundingClientRect().height));
    list.classList.remove("is-measuring");
    const gap = parseFloat(getComputedStyle(list).columnGap) || 0;
    const wraps = widest > list.clientWidth;
    if (wraps) {  // a name longer than the whole width: one column, the names wrapped
      list.classList.add("is-wrapping");
      list.style.setProperty("--rank-cols", "1");
      tallest = Math.max(...items.map((item) => item.getBoundingClientRect().height));
    }
    return {
      columns: wraps ? 1 : Math.max(1, Math.floor((list.clientWidth + gap) / (widest + gap))),
      rows: Math.max(1, Math.floor(list.clientHeight / tallest)),
      wraps,
    };
  }

  /* A room that fits with room to spare: its type larger, as large as still fits. */
  const GROWTH = [2, 1.75, 1.5, 1.3, 1.15];
  function grown(list, items) {
    for (const grow of GROWTH) {
      list.style.setProperty("--rank-fit", String(grow));
      const shape = rankingShape(list, items);
      if (!shape.wraps && items.length <= shape.columns * shape.rows) return shape;
    }
    list.style.setProperty("--rank-fit", "1");
    rankingShape(list, items);
    return null;
  }

  function fitFinal() {
    const final = panel.querySelector(".pj-final");
    spotlight.classList.toggle("pj-beside", Boolean(final));
    if (!final) { slides = []; keepTurning(); return; }
    spotlight.style.setProperty("--beside-top", `${final.querySelector(".pj-final-body").getBoundingClientRect().top}px`);
    const room = final.querySelector(".pj-room");
    const list = room.querySelector(".pj-ranking");
    const items = [...list.children];
    const ideas = final.querySelector(".pj-ideas");
    final.classList.remove("is-slides");
    room.hidden = false;
    if (ideas) { ideas.hidden = false; trimList(ideas); }
    for (const item of items) item.hidden = false;
    if (!items.length) { slides = []; keepTurning(); return; }
    list.style.setProperty("--rank-fit", "1");
    let shape = rankingShape(list, items);
    const ideasFit = !ideas || !ideas.querySelector("li[hidden]");
    if (items.length <= shape.columns * shape.rows && ideasFit) {
      shape = grown(list, items) || shape;
      slides = [{ from: 0, to: items.length, shape }];
    } else {
      final.classList.add("is-slides");
      if (ideas) ideas.hidden = true;
      shape = rankingShape(list, items);
      const per = shape.columns * shape.rows;
      slides = [];
      for (let from = 0; from < items.length; from += per) {
        slides.push({ from, to: Math.min(items.length, from + per), shape });
      }
      if (ideas) slides.push({ ideas: true });
    }
    slide = Math.min(slide, slides.length - 1);
    showSlide(final);
    keepTurning();
  }

  /* The slides turn by themselves; one turned by hand (``restart``) stays its full time. */
  function keepTurning(restart = false) {
    if (slides.length < 2) { clearInterval(turning); turning = null; return; }
    if (turning && !restart) return;
    clearInterval(turning);
    turning = setInterval(() => turn(1, { wrap: true }), SLIDE_MS);
  }

  function showSlide(final) {
    const { from, to, shape, ideas: onIdeas } = slides[slide];
    const room = final.querySelector(".pj-room");
    const list = room.querySelector(".pj-ranking");
    const ideas = final.querySelector(".pj-ideas");
    if (slides.length > 1) {
      room.hidden = Boolean(onIdeas);
      if (ideas) { ideas.hidden = !onIdeas; if (onIdeas) trimList(ideas); }
    }
    if (!onIdeas) {
      [...list.children].forEach((item, index) => { item.hidden = index < from || index >= to; });
      const columns = Math.min(shape.columns, Math.ceil((to - from) / shape.rows));  // no empty ones
      list.style.setProperty("--rank-cols", String(columns));
      list.style.setProperty("--rank-rows", String(Math.ceil((to - from) / columns)));
    }
    const number = final.querySelector("#pj-slide-no");
    number.hidden = slides.length < 2;
    number.textContent = fmt(T.slide, { slide: slide + 1, slides: slides.length });
  }

  /* A slide on or back (``wrap``: the clock's, round again after the last); past the
     last one by key or clicker, the debrief. */
  function turn(step, { wrap = false } = {}) {
    const final = panel.querySelector(".pj-final");
    if (!final) return;
    const next = slide + step;
    if (next >= slides.length && !wrap) {
      window.location.assign(final.querySelector(".pj-final-next a").href);
      return;
    }
    slide = wrap ? next % slides.length : Math.max(0, next);
    showSlide(final);
  }

  document.addEventListener("keydown", (event) => {
    const step = slideStep(event);
    if (!step || !panel.querySelector(".pj-final")) return;
    event.preventDefault();
    turn(step);
    keepTurning(true);
  });

  /* The panel's ``property`` (a scale of its type) from 1 down in steps of 0.05, while
     ``over()`` says something still does not fit, to SMALLEST_FIT at the least. */
  function shrink(property, over) {
    let scale = 1;
    panel.style.setProperty(property, "1");
    while (scale > SMALLEST_FIT && over()) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      panel.style.setProperty(property, String(scale));
    }
  }

  /* An open poll: the type as large as the question and answers allow. */
  function fitPoll() {
    const poll = panel.querySelector(".pj-pollscreen .pj-poll");
    if (!poll) return;
    const bars = poll.querySelector(".pj-bars");
    shrink("--poll-fit", () => poll.scrollHeight > poll.clientHeight + 0.5 || bars.scrollHeight > bars.clientHeight + 0.5);
  }

  /* Runs before the new panel is painted (a mutation observer), so nothing flickers;
     then the panel says for which size of screen it is laid out (data-fitted). */
  function fit() {
    trimNames();
    fitSide();
    fitFinal();
    fitPoll();
    fitCards();
    panel.dataset.fitted = `${window.innerWidth}x${window.innerHeight}`;
  }
  function fitCards() {
    const board = panel.querySelector(".pj-board");
    if (!board) return;
    const cards = [...board.querySelectorAll(".pj-table")];
    for (const compact of [false, true]) {
      board.classList.toggle("pj-compact", compact);
      shrink("--fit", () => cards.length && overflowing(cards));
      if (!overflowing(cards)) return;
    }
  }
  /* The plan phase's countdown: the panel says the seconds left when it was drawn; the
     screen counts down from there (the clock of this machine, not the server's). */
  let ticking = null;
  function countdown() {
    clearInterval(ticking);
    const clock = panel.querySelector("#pj-countdown");
    if (!clock) return;
    const end = Date.now() + Number(clock.dataset.left) * 1000;
    const draw = () => {
      const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      clock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      clock.classList.toggle("is-over", left === 0);
      if (!left) clearInterval(ticking);
    };
    draw();
    ticking = setInterval(draw, 250);
  }
  new MutationObserver(() => { fit(); countdown(); }).observe(panel, { childList: true });
  countdown();
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
    title.textContent = fmt(T.quartet, { table, theme: data.name });
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

  // Who is away changes without an event: look again now and then (as the dashboard).
  setInterval(scheduleRefresh, 20000);

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
