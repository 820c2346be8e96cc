/* The replay of one table for the debrief: steps through the frames the server built
   from the table's public events (game/after/replay.py), and draws each as the projector
   draws a table: the players around it with their card counts and quartets, whose
   turn it is, the ask and its answer, and a quartet laid in the spotlight. */
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
  const last = frames.length - 1;
  const SVG = "http://www.w3.org/2000/svg";
  let current = 0;

  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => values[key]);
  const clock = (t) => `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;

  /* The seats around the table, seat 0 at the top, clockwise (as the network does). */
  const seats = players.map((player, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / players.length;
    const box = el("li", { class: "rp-seat" });
    box.style.left = `${50 + 36 * Math.cos(angle)}%`;
    box.style.top = `${50 + 34 * Math.sin(angle)}%`;
    $("rp-seats").append(box);
    return box;
  });

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
    const head = el("p", { class: "rp-seat-head" }, el("span", { class: "rp-name" }, player.name));
    if (player.bot || frame.bots.includes(seat)) head.append(el("span", { class: "rp-badge" }, T.bot));
    if (frame.winners.includes(seat)) head.append(el("span", { class: "rp-badge rp-badge-win" }, `★ ${T.winner}`));
    const cards = el("p", { class: "rp-count" }, fill(count === 1 ? T.card : T.cards, { count }));
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
    if (!ask) return;
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
    const name = players[quartet.seat] ? players[quartet.seat].name : "?";
    const box = el("section", { class: "rp-spot" });
    box.style.setProperty("--theme", theme.colour);
    const list = el("ol", {}, ...theme.cards.map((card) => el("li", {}, el("strong", {}, `${card.number}`), el("span", {}, card.title))));
    box.append(el("h2", {}, fill(T.laid, { name, theme: theme.name })), list);
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
    $("rp-move").textContent = fill(T.move, { n: current, total: last });
    $("rp-time").textContent = clock(frame.t);
    slider.value = String(current);
    buttons.first.disabled = buttons.prev.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === last;
    history.replaceState(null, "", `#${current}`);
  }

  buttons.first.addEventListener("click", () => show(0));
  buttons.prev.addEventListener("click", () => show(current - 1));
  buttons.next.addEventListener("click", () => show(current + 1));
  buttons.last.addEventListener("click", () => show(last));
  slider.addEventListener("input", () => show(Number(slider.value)));
  document.addEventListener("keydown", (event) => {
    if (event.target === slider || event.altKey || event.ctrlKey || event.metaKey) return;
    const to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    show(to);
  });
  window.addEventListener("resize", () => drawArrow(frames[current]));
  show(Number.parseInt(location.hash.slice(1), 10) || 0);
})();
