/* The player's page: renders the seat view the server sends, applies event batches,
   and asks for cards in three taps. The server is the referee: this page only offers
   legal choices for convenience, and shows the server's answer.

   Laid out as lichess lays out a game's socket (ui/round/src/socket.ts): the page's
   state in one object, a table of handlers by message type that change it, the
   player's own actions beside them, and the drawing apart (it reads the state and
   draws; only the ask's choice settles itself to what the hand still allows). */
"use strict";

(function () {
  const T = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);

  /* Everything this page knows, in one place. */
  const page = {
    view: null,     // the last full view: workshop, you, table, players, deck
    state: null,    // the view's state block: hand, counts, laid, turn, winners, status, paused
    seq: 0,         // the last table event applied
    log: [],        // the table's recent events, oldest first
    cards: {}, themes: {}, themeOf: {},  // the deck, indexed by key
    choice: { theme: null, card: null, target: null },  // the ask being put together
    pendingId: null,      // the id of the ask sent and not yet answered
    arrived: new Set(),   // cards that just came in: they fly into the hand
    thinking: null,       // the seat nudged for thinking long, until it moves
    poll: null,           // the session's open poll, or null
    votedAnswer: null,    // the answer this phone last voted for
    fragments: new Map(), // card and quartet texts already read, by URL
    timers: { error: null, answer: null },  // when the error and the answer hide again
  };

  /* One handler per message type from the server (game/PROTOCOL.md); others are
     ignored. "pong" never gets here: the socket keeps it for its heartbeat. */
  const handlers = {
    view: onView,
    events: onEvents,
    poll: onPoll,
    voted: onVoted,
    welcome_back: onWelcomeBack,
    ack: onAck,
    error: onError,
  };

  const socket = liveSocket($("game").dataset.socket, {
    query: () => (page.view && page.view.table ? `table=${page.view.table.id}&since=${page.seq}` : ""),
    onMessage: (message) => {
      if (Object.hasOwn(handlers, message.type)) handlers[message.type](message);
    },
    onStatus: onStatus,
    onForbidden: () => { location.href = "/join/"; },
    onReplaced: () => { $("live-status").textContent = T.replaced; },
  });

  /* ---- Handlers: what each message changes, then what is drawn again. ---- */

  /* The facilitator started the plan phase: go to the plan page, once per start (a
     player who comes back to the game stays here). */
  function goToPlan(since) {
    if (!since) return false;
    const key = "plan-phase";
    try {
      if (sessionStorage.getItem(key) === since) return false;
      sessionStorage.setItem(key, since);
    } catch (error) {
      return false;  // no storage (a private window): stay, the menu links the plan
    }
    location.href = $("game").dataset.plan;
    return true;
  }

  function onView(message) {
    if (goToPlan(message.workshop.plan_phase)) return;
    page.poll = message.poll || null;
    drawPoll();
    page.thinking = null;
    page.view = message;
    page.state = message.state;
    page.seq = message.seq;
    page.log = message.log.slice();
    indexDeck();
    draw();
  }

  function onEvents(message) {
    const { view } = page;
    if (!view) return;
    const fresh = message.events.filter((e) => e.seq > page.seq);
    if (fresh.length && fresh[0].seq !== page.seq + 1) {
      socket.send({ type: "sync", since: page.seq });  // a gap: ask for what we missed
      return;
    }
    page.log = page.log.concat(fresh).slice(-60);
    page.state = message.state;
    page.seq = message.seq;
    page.arrived = new Set(fresh.filter((e) => e.type === "hit" && e.seat === view.you.seat).map((e) => e.card));
    if (fresh.some((e) => e.type === "turn_passed" && e.seat === view.you.seat) && navigator.vibrate) {
      navigator.vibrate(120);
    }
    notePresence(fresh);
    draw();
    announce(fresh);
  }

  function onPoll(message) {
    page.poll = message.poll || null;
    drawPoll();
  }

  function onVoted() {
    page.poll = Object.assign({}, page.poll, { voted: page.votedAnswer });
    drawPoll();
  }

  function onWelcomeBack(message) {
    drawWelcomeBack(message.played);
  }

  function onAck() {
    page.pendingId = null;
    page.choice.card = null;
    drawAsk();
  }

  function onError(message) {
    page.pendingId = null;
    showError(message.message);
    drawAsk();
  }

  function onStatus(online) {
    $("live-status").textContent = online ? T.online : T.offline;
    $("live-status").classList.toggle("offline", !online);
    // A closed socket answers nothing more: the ask was applied or not, and the
    // catch-up after reconnecting shows which. Let the player ask again.
    if (!online && page.pendingId !== null) {
      page.pendingId = null;
      if (page.state) drawAsk();
    }
  }

  /* Who is away, and who is thinking long (a nudge): from the table's public events.
     The nudge holds until the player on turn moves. */
  function notePresence(events) {
    const { view } = page;
    for (const event of events) {
      const player = view.players.find((p) => p.seat === event.seat);
      if (event.type === "turn_nudge") {
        page.thinking = event.seat;
        if (event.seat === view.you.seat && navigator.vibrate) navigator.vibrate([200, 100, 200]);
      } else if (["asked", "turn_passed", "paused", "game_over"].includes(event.type)) {
        page.thinking = null;
      }
      if (!player) continue;
      if (event.type === "player_away") player.away = true;
      if (event.type === "seat_stood_in") Object.assign(player, { away: true, stand_in: true });
      if (event.type === "seat_returned") Object.assign(player, { away: false, stand_in: false });
    }
  }

  function indexDeck() {
    page.cards = {}; page.themes = {}; page.themeOf = {};
    for (const theme of page.view.deck.themes) {
      page.themes[theme.key] = theme;
      for (const card of theme.cards) { page.cards[card.key] = card; page.themeOf[card.key] = theme.key; }
    }
  }

  /* ---- The player's actions. ---- */

  function pickTheme(key) {
    page.choice.theme = key;
    page.choice.card = null;
    drawAsk();
  }

  function pickCard(key) {
    page.choice.card = key;
    drawAsk();
  }

  function pickTarget(seat) {
    page.choice.target = seat;
    drawAsk();
  }

  function sendAsk() {
    if (page.pendingId !== null) return;
    page.pendingId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    const message = { type: "ask", id: page.pendingId, target: page.choice.target, card: page.choice.card };
    if (!socket.send(message)) { page.pendingId = null; showError(T.offline); }
    drawAsk();
  }

  function vote(index) {
    page.votedAnswer = index;
    socket.send({ type: "vote", poll: page.poll.id, answer: index });
  }

  $("ask-send").addEventListener("click", sendAsk);

  /* ---- Drawing: reads the state above. ---- */

  function nameOf(seat) {
    const player = page.view.players.find((p) => p.seat === seat);
    if (!player) return "?";
    return seat === page.view.you.seat ? `${isolated(player.name)} (${T.you})` : isolated(player.name);
  }

  function plainName(seat) {
    const player = page.view.players.find((p) => p.seat === seat);
    return player ? isolated(player.name) : "?";
  }

  function describe(event) {
    const text = T.events[event.type];
    if (!text) return event.type;
    const { cards, themes } = page;
    return fmt(text, {
      seat: nameOf(event.seat),
      target: nameOf(event.target),
      card: event.card && cards[event.card] ? cards[event.card].title : "",
      theme: event.theme && themes[event.theme] ? themes[event.theme].name : "",
    });
  }

  function showError(text) {
    const box = $("error");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(page.timers.error);
    page.timers.error = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function draw() {
    const { view, state } = page;
    const seated = view.table && view.table.status !== "waiting" && state;
    $("lobby").hidden = !!seated;
    $("table").hidden = !seated;
    if (!seated) { drawLobby(); return; }
    drawBanner();
    drawPlayers();
    drawHand();
    drawAsk();
    drawRanking();
    drawLog();
  }

  function drawWelcomeBack(played) {
    const lines = [T.back_hand];
    if (played) {
      const quartets = played.quartets.map((key) => (page.themes[key] ? page.themes[key].name : key));
      if (quartets.length) lines.unshift(fmt(T.back_quartets, { themes: quartets.join(", ") }));
      lines.unshift(fmt(T.back_bot, { asks: played.asks, hits: played.hits }));
    }
    $("dialog-title").textContent = T.back_title;
    $("dialog-body").replaceChildren(...lines.map((line) => el("p", { class: "dialog-lead" }, line)));
    if (!$("dialog").open) $("dialog").showModal();
  }

  function drawLobby() {
    const { view } = page;
    $("lobby-title").textContent = fmt(T.welcome, { name: isolated(view.you.name) });
    if (view.workshop.status === "ended") { $("lobby-text").textContent = T.ended; return; }
    if (!view.table) { $("lobby-text").textContent = T.unseated; return; }
    const others = view.players.filter((p) => p.seat !== view.you.seat).map((p) => isolated(p.name));
    $("lobby-text").textContent = others.length
      ? fmt(T.seated, { number: view.table.number, others: others.length > 1 ? others.slice(0, -1).join(", ") + " " + T.and + " " + others.at(-1) : others[0] })
      : fmt(T.seated_alone, { number: view.table.number });
  }

  function myTurn() {
    const { view, state } = page;
    return state.turn !== null && state.turn === view.you.seat && !state.paused && state.status === "playing" && !view.you.replaced;
  }

  function drawBanner() {
    const { view, state, thinking } = page;
    const banner = $("turn-banner");
    let text;
    if (state.status === "ended") text = T.ended;
    else if (state.status === "over") {
      const names = state.winners.map(plainName);
      text = T.over + " " + fmt(names.length > 1 ? T.winners_are : T.winner_is, { names: names.join(" & ") });
    }
    else if (state.paused) text = T.paused;
    else if (view.you.replaced) text = T.taken_over;
    else if (myTurn()) text = thinking === view.you.seat ? T.nudge_self : T.your_turn;
    else if (thinking === state.turn) text = fmt(T.thinking, { name: plainName(state.turn) });
    else text = fmt(T.their_turn, { name: plainName(state.turn) });
    banner.textContent = text;
    banner.classList.toggle("mine", myTurn());
  }

  function drawPlayers() {
    const { view, state } = page;
    $("players").replaceChildren(...view.players.map((p) => el("li", { class: state.turn === p.seat ? "turn" : "" },
      el("span", { class: "player-name" }, nameOf(p.seat) + (p.bot ? ` (${T.bot})` : "")
        + (p.stand_in ? ` (${T.stood_in})` : p.away ? ` (${T.away})` : "")),
      el("span", { class: "player-count" }, fmt(T.cards, { count: state.counts[p.seat] ?? 0 })),
      el("span", { class: "player-quartets" }, ...(state.laid[p.seat] || []).map((key) => quartetButton(key))),
    )));
  }

  function handByTheme() {
    const groups = new Map();
    for (const key of page.state.hand) {
      const theme = page.themeOf[key];
      if (!groups.has(theme)) groups.set(theme, []);
      groups.get(theme).push(key);
    }
    return groups;
  }

  function drawHand() {
    const { cards, themes, arrived } = page;
    const groups = handByTheme();
    if (!groups.size) { $("hand").replaceChildren(el("p", {}, T.no_cards)); return; }
    $("hand").replaceChildren(...[...groups].map(([themeKey, keys]) => {
      const theme = themes[themeKey];
      return el("div", { class: "hand-theme", style: `--theme: ${theme.colour}` },
        el("h3", {}, theme.name),
        el("ul", {}, ...keys.map((key) => el("li", {},
          el("button", { type: "button", class: "hand-card" + (arrived.has(key) ? " arrived" : ""), onclick: () => openCard(key) },
            el("span", { class: "card-number" }, String(cards[key].number)), " ", cards[key].title)))));
    }));
  }

  function legalTargets() {
    const { view, state } = page;
    return view.players.filter((p) => p.seat !== view.you.seat && (state.counts[p.seat] || 0) > 0);
  }

  /* The cards of the chosen theme the hand lacks: the ones that may be asked for. */
  function lackingCards() {
    const { choice, themes, state } = page;
    return choice.theme ? themes[choice.theme].cards.filter((c) => !state.hand.includes(c.key)) : [];
  }

  /* The ask's choice follows the hand and the table: a theme no longer held, a card no
     longer lacking or a player without cards drops out; a single option is taken. */
  function settleChoice(groups, targets) {
    const { choice } = page;
    if (choice.theme && !groups.has(choice.theme)) choice.theme = null;
    if (!choice.theme && groups.size === 1) choice.theme = [...groups.keys()][0];
    if (choice.target !== null && !targets.some((p) => p.seat === choice.target)) choice.target = null;
    if (choice.target === null && targets.length === 1) choice.target = targets[0].seat;
    if (choice.card && !lackingCards().some((c) => c.key === choice.card)) choice.card = null;
  }

  function choiceButton(label, selected, onclick, colour) {
    return el("button", { type: "button", class: "choice" + (selected ? " selected" : ""), "aria-pressed": selected ? "true" : "false", style: colour ? `--theme: ${colour}` : null, onclick }, label);
  }

  function drawAsk() {
    const section = $("ask");
    section.hidden = !myTurn();
    if (section.hidden) return;
    const groups = handByTheme();
    const targets = legalTargets();
    settleChoice(groups, targets);
    const { choice, cards, themes } = page;
    $("ask-themes").replaceChildren(...[...groups.keys()].map((key) => choiceButton(themes[key].name, choice.theme === key, () => pickTheme(key), themes[key].colour)));
    $("ask-cards").replaceChildren(...lackingCards().map((c) => choiceButton(`${c.number} ${c.title}`, choice.card === c.key, () => pickCard(c.key), themes[choice.theme].colour)));
    $("ask-targets").replaceChildren(...targets.map((p) => choiceButton(isolated(p.name), choice.target === p.seat, () => pickTarget(p.seat))));
    $("ask-cards").closest("fieldset").hidden = !choice.theme;
    const ready = choice.theme && choice.card && choice.target !== null;
    const send = $("ask-send");
    send.disabled = !ready || page.pendingId !== null;
    send.textContent = ready
      ? fmt(T.ask, { target: nameOf(choice.target), theme: themes[choice.theme].name, card: cards[choice.card].title })
      : T.ask_pick;
  }

  function drawRanking() {
    const { view, state } = page;
    const over = state.status === "over";
    $("ranking").hidden = !over;
    if (!over) return;
    const rows = view.players.map((p) => ({ p, score: (state.laid[p.seat] || []).length }))
      .sort((a, b) => b.score - a.score);
    $("ranking-list").replaceChildren(...rows.map(({ p, score }) => el("li", { class: state.winners.includes(p.seat) ? "winner" : "" },
      `${nameOf(p.seat)}: ${fmt(score === 1 ? T.quartet_one : T.quartets, { count: score })}` + (state.winners.includes(p.seat) ? ` — ${T.winner}` : ""))));
    const mine = state.laid[view.you.seat] || [];
    $("my-quartets").className = mine.length ? "choices" : "";
    $("my-quartets").replaceChildren(...(mine.length ? mine.map((key) => quartetButton(key)) : [el("p", {}, T.none_yet)]));
    $("browse").href = `/kaarten/${view.deck.slug}/`;
  }

  function quartetButton(key) {
    const theme = page.themes[key];
    return el("button", { type: "button", class: "quartet-chip", style: `--theme: ${theme ? theme.colour : "#555"}`, onclick: () => openQuartet(key) }, theme ? theme.name : key);
  }

  async function fragment(url) {
    if (!page.fragments.has(url)) {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.statusText);
      page.fragments.set(url, await response.text());
    }
    return page.fragments.get(url);
  }

  async function openDialog(title, url, lead) {
    const dialog = $("dialog");
    $("dialog-title").textContent = title;
    $("dialog-body").replaceChildren(...(lead ? [el("p", { class: "dialog-lead" }, lead)] : []));
    if (!dialog.open) dialog.showModal();
    try {
      const html = await fragment(url);
      const holder = document.createElement("div");
      holder.innerHTML = html;  // our own server's card text, escaped by its templates
      $("dialog-body").append(...holder.childNodes);
    } catch (error) {
      $("dialog-body").append(el("p", { class: "errors" }, T.offline));
    }
  }

  function openCard(key) {
    const { view, cards, themes, themeOf } = page;
    openDialog(themes[themeOf[key]].name, `/kaarten/${view.deck.slug}/${themeOf[key]}/${cards[key].number}/?fragment=1`);
  }

  function openQuartet(key, lead, title) {
    openDialog(title || page.themes[key].name, `/kaarten/${page.view.deck.slug}/${key}/?fragment=1`, lead);
  }

  function announce(events) {
    const answer = events.filter((e) => e.type === "hit" || e.type === "miss").at(-1);
    if (answer) {
      const box = $("answer");
      box.textContent = describe(answer);  // "Ja! ..." or "Nee, helaas: ..."
      box.className = "answer " + answer.type;
      box.hidden = false;
      clearTimeout(page.timers.answer);
      page.timers.answer = setTimeout(() => { box.hidden = true; }, 3500);
    }
    const quartet = events.filter((e) => e.type === "quartet_laid" && !e.dealt).at(-1);
    if (quartet) showNews(quartet);
  }

  /* A quartet laid is news, not a dialog to close: a line in the page's flow, highlighted
     a moment; its cards open when the player asks. */
  function showNews(quartet) {
    const theme = page.themes[quartet.theme];
    const line = fmt(T.quartet_by, { name: plainName(quartet.seat), theme: theme ? theme.name : quartet.theme });
    const news = $("news");
    $("news-text").textContent = line;
    $("news-open").onclick = () => openQuartet(quartet.theme, line, T.quartet);
    news.style.setProperty("--theme", theme ? theme.colour : "#1f5fa8");
    news.dataset.theme = quartet.theme;
    news.hidden = false;
    news.classList.remove("fresh");
    void news.offsetWidth;  // restart the highlight for the next quartet
    news.classList.add("fresh");
  }

  function drawPoll() {
    const { poll } = page;
    const section = $("poll");
    section.hidden = !poll;
    if (!poll) return;
    const voted = poll.voted !== null && poll.voted !== undefined;
    $("poll-question").textContent = poll.question;
    $("poll-answers").replaceChildren(...poll.answers.map((answer, index) => el("button", {
      type: "button", class: "choice" + (voted && poll.voted === index ? " selected" : ""),
      "aria-pressed": voted && poll.voted === index ? "true" : "false", disabled: voted,
      onclick: () => vote(index),
    }, answer)));
    $("poll-thanks").hidden = !voted;
  }

  /* Only new entries are added (newest first), so screen readers announce just those. */
  function drawLog() {
    const { log } = page;
    const list = $("log");
    const shownSeq = Number(list.dataset.seq || 0);
    const fresh = log.filter((e) => e.seq > shownSeq && !(e.type === "turn_passed" && e.reason === "start"));
    if (log.length && log[0].seq > shownSeq + 1 && shownSeq) list.replaceChildren();  // a fresh view
    for (const event of fresh) list.prepend(el("li", { class: "log-" + event.type }, describe(event)));
    while (list.children.length > 12) list.lastElementChild.remove();
    if (log.length) list.dataset.seq = String(log.at(-1).seq);
  }
})();
