/* The replay of one table for the debrief: steps through the frames the server built
   from the table's public events (game/debrief/replay.py), and draws each as the projector
   draws a table: the players around it with their card counts and quartets, whose
   turn it is, the ask and its answer, and a quartet laid in the spotlight. It can also
   play on its own: a move every 1.5 s at 1x (a quartet laid stays twice as long), at
   half, double or four times that speed, until the last move. */
"use strict";

(function () {
  const source = document.getElementById("replay-frames");
  if (!source) return;  // the table has not started: nothing to step through
  const frames = JSON.parse(source.textContent);
  const players = JSON.parse(document.getElementById("replay-players").textContent);
  const themes = JSON.parse(document.getElementById("replay-themes").textContent);
  const T = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);
  const stage = $("rp-stage");
  const arrow = $("rp-arrow");
  const slider = $("rp-slider");
  const buttons = { first: $("rp-first"), prev: $("rp-prev"), next: $("rp-next"), last: $("rp-last") };
  const play = $("rp-play");
  const panel = $("rp-panel");
  const root = $("replay");
  const last = frames.length - 1;
  const SVG = "http://www.w3.org/2000/svg";
  const MOVE_MS = 1500;  // a move on screen at 1x
  let current = 0;
  let speed = 1;
  let timer = null;  // the next move's, while playing

  const clock = (t) => `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;

  /* The seats around the table, seat 0 at the top, clockwise (as the network does). */
  const seats = players.map(() => {
    const box = el("li", { class: "rp-seat" });
    $("rp-seats").append(box);
    return box;
  });

  /* The seats around the felt, clockwise from the top, each in a cell of a 3x3 grid
     whose middle holds the felt (debrief.css): a seat never covers another or the
     table, and a name takes the width of its column. The felt spans the middle row
     when no seat sits beside it. On a phone the seats are a list (the grid's cells
     are not used there). */
  const SPOTS = {
    2: ["1 / 2", "3 / 2"],
    3: ["1 / 2", "3 / 3", "3 / 1"],
    4: ["1 / 2", "2 / 3", "3 / 2", "2 / 1"],
    5: ["1 / 2", "2 / 3", "3 / 3", "3 / 1", "2 / 1"],
    6: ["1 / 2", "1 / 3", "3 / 3", "3 / 2", "3 / 1", "1 / 1"],
  };
  function placeSeats() {
    const spots = SPOTS[seats.length] || [];
    seats.forEach((box, index) => { if (spots[index]) box.style.setProperty("--spot", spots[index]); });
    stage.classList.toggle("rp-wide-felt", !spots.some((spot) => spot.startsWith("2 ")));
  }

  function chip(key) {
    const item = el("li", { class: "rp-chip" }, themes[key] ? themes[key].name : key);
    if (themes[key]) item.style.setProperty("--theme", themes[key].colour);
    return item;
  }

  function drawSeat(box, player, frame) {
    const seat = player.seat;
    const count = frame.counts[seat];
    const ask = frame.ask;
    box.classList.toggle("turn", frame.turn === seat);
    box.classList.toggle("winner", frame.winners.includes(seat));
    box.classList.toggle("out", count === 0 && !frame.over);
    box.classList.toggle("asking", Boolean(ask && ask.seat === seat));
    box.classList.toggle("asked", Boolean(ask && ask.target === seat));
    const head = el("p", { class: "rp-seat-head" }, el("span", { class: "rp-name", dir: "auto" }, player.name));
    if (player.bot || frame.bots.includes(seat)) head.append(el("span", { class: "rp-badge" }, T.bot));
    if (frame.winners.includes(seat)) head.append(el("span", { class: "rp-badge rp-badge-win" }, `★ ${T.winner}`));
    const cards = el("p", { class: "rp-count" }, fmt(count === 1 ? T.card : T.cards, { count }));
    box.replaceChildren(head, cards, el("ul", { class: "rp-laid" }, ...frame.laid[seat].map(chip)));
  }

  /* Where the line from a box's centre towards (x, y) leaves the box. */
  function edgeOf(rect, towards) {
    const cx = rect.x + rect.width / 2;
    const cy = rect.y + rect.height / 2;
    const dx = towards.x - cx;
    const dy = towards.y - cy;
    const t = Math.min(rect.width / 2 / Math.abs(dx || 1e-9), rect.height / 2 / Math.abs(dy || 1e-9));
    return { x: cx + dx * Math.min(t, 1), y: cy + dy * Math.min(t, 1) };
  }

  function drawArrow(frame) {
    arrow.replaceChildren();
    const ask = frame.ask;
    if (!ask || getComputedStyle(arrow).display === "none") return;  // a phone: no arrows
    const base = stage.getBoundingClientRect();
    arrow.setAttribute("viewBox", `0 0 ${base.width} ${base.height}`);
    const box = (seat) => {
      const r = seats[seat].getBoundingClientRect();
      return { x: r.x - base.x, y: r.y - base.y, width: r.width, height: r.height };
    };
    const [from, to] = [box(ask.seat), box(ask.target)];
    const centre = (r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
    const start = edgeOf(from, centre(to));
    const end = edgeOf(to, centre(from));
    const length = Math.hypot(end.x - start.x, end.y - start.y) || 1;
    const [ux, uy] = [(end.x - start.x) / length, (end.y - start.y) / length];
    const tip = { x: end.x - ux * 8, y: end.y - uy * 8 };
    const back = { x: tip.x - ux * 34, y: tip.y - uy * 34 };
    const line = document.createElementNS(SVG, "line");
    for (const [name, value] of Object.entries({ x1: start.x, y1: start.y, x2: back.x, y2: back.y })) {
      line.setAttribute(name, value);
    }
    const head = document.createElementNS(SVG, "polygon");
    const corners = [[tip.x, tip.y], [back.x - uy * 20, back.y + ux * 20], [back.x + uy * 20, back.y - ux * 20]];
    head.setAttribute("points", corners.map((p) => p.join(",")).join(" "));
    arrow.classList.toggle("hit", Boolean(ask.hit));
    arrow.append(line, head);
  }

  function spotlight(quartet) {
    const theme = themes[quartet.theme];
    const name = players[quartet.seat] ? isolated(players[quartet.seat].name) : "?";
    const box = el("section", { class: "rp-spot" });
    box.style.setProperty("--theme", theme.colour);
    const list = el("ol", {}, ...theme.cards.map((card) => el("li", {}, el("strong", {}, `${card.number}`), el("span", {}, card.title))));
    box.append(el("h2", {}, fmt(T.laid, { name, theme: theme.name })), list);
    return box;
  }

  function drawPanel(frame) {
    const ask = frame.ask;
    $("rp-say").textContent = frame.say;
    const card = $("rp-card");
    card.replaceChildren();
    if (ask && themes[ask.theme]) {
      const number = Number(ask.card.split("-").pop());
      const title = (themes[ask.theme].cards.find((c) => c.number === number) || {}).title || "";
      card.append(el("ul", { class: "rp-laid" }, chip(ask.theme)), ` ${number} · ${title}`);
    }
    const answer = $("rp-answer");
    answer.textContent = frame.answer;
    answer.className = `rp-answer${ask ? (ask.hit ? " yes" : " no") : ""}`;
    const notes = frame.notes.map((note) => el("li", {}, note));
    if (frame.over && notes.length) notes[notes.length - 1].className = "rp-winners";  // "Winner: ..."
    $("rp-notes").replaceChildren(...notes);
    $("rp-spotlight").replaceChildren(...frame.quartets.map(spotlight));
  }

  function show(n) {
    current = Math.max(0, Math.min(last, n));
    const frame = frames[current];
    players.forEach((player, index) => drawSeat(seats[index], player, frame));
    drawPanel(frame);
    drawArrow(frame);
    $("rp-move").textContent = fmt(T.move, { n: current, total: last });
    $("rp-time").textContent = clock(frame.t);
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === last;
    history.replaceState(null, "", `#${current}`);
  }

  /* Playing on its own: the next move after this one's time, until the last. While it
     plays, the panel is not read out at every move (it would never stop talking). */
  const playing = () => timer !== null;
  function wait() {
    clearTimeout(timer);
    timer = setTimeout(advance, (frames[current].quartets.length ? 2 : 1) * MOVE_MS / speed);
  }
  function advance() {
    show(current + 1);
    // The new move's words fade in (debrief.css; never with reduced motion, app.css).
    panel.classList.remove("rp-step");
    void panel.offsetWidth;  // restarts the animation
    panel.classList.add("rp-step");
    if (current >= last) pause();
    else wait();
  }
  function start() {
    if (current >= last) show(0);  // from the end: again from the deal
    wait();
    mark();
  }
  function pause() {
    clearTimeout(timer);
    timer = null;
    mark();
  }
  function mark() {
    play.textContent = playing() ? play.dataset.pause : play.dataset.play;
    panel.setAttribute("aria-live", playing() ? "off" : "polite");
    root.classList.toggle("rp-playing", playing());
    root.dataset.playing = String(playing());
  }
  const toggle = () => (playing() ? pause() : start());

  /* A step by hand: while playing, the clock starts again from the move shown. */
  function go(n) {
    show(n);
    if (!playing()) return;
    if (current >= last) pause();
    else wait();
  }

  buttons.first.addEventListener("click", () => go(0));
  buttons.prev.addEventListener("click", () => go(current - 1));
  buttons.next.addEventListener("click", () => go(current + 1));
  buttons.last.addEventListener("click", () => go(last));
  play.addEventListener("click", toggle);
  slider.addEventListener("input", () => go(Number(slider.value)));
  for (const option of document.querySelectorAll("input[name=rp-speed]")) {
    if (option.checked) speed = Number(option.value);
    option.addEventListener("change", () => {
      speed = Number(option.value);
      if (playing()) wait();
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const control = event.target.closest && event.target.closest("button, a, input, select, textarea");
    if (event.key === " " && !control) {  // on a button, the space presses that button
      event.preventDefault();
      toggle();
      return;
    }
    if (control && control.matches("input, select, textarea")) return;  // the slider, the speeds
    const to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    go(to);
  });
  window.addEventListener("resize", () => drawArrow(frames[current]));
  placeSeats();
  show(Number.parseInt(location.hash.slice(1), 10) || 0);
  mark();
})();
