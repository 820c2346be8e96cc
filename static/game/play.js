/* The player's page: renders the seat view the server sends, applies event batches,
   and asks for cards in three taps. The server is the referee: this page only offers
   legal choices for convenience, and shows the server's answer. */
"use strict";

(function () {
  const T = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);

  let view = null;   // the last full view: workshop, you, table, players, deck
  let state = null;  // the state block: hand, counts, laid, turn, winners, status, paused
  let seq = 0;
  let log = [];
  let cards = {}, themes = {}, themeOf = {};
  let choice = { theme: null, card: null, target: null };
  let pendingId = null;
  let arrived = new Set();  // cards that just came in: they fly into the hand
  const fragments = new Map();

  const socket = liveSocket($("game").dataset.socket, {
    query: () => (view && view.table ? `table=${view.table.id}&since=${seq}` : ""),
    onMessage: receive,
    onStatus: (online) => {
      $("live-status").textContent = online ? T.online : T.offline;
      $("live-status").classList.toggle("offline", !online);
      // A closed socket answers nothing more: the ask was applied or not, and the
      // catch-up after reconnecting shows which. Let the player ask again.
      if (!online && pendingId !== null) {
        pendingId = null;
        if (state) renderAsk();
      }
    },
    onForbidden: () => { location.href = "/join/"; },
    onReplaced: () => { $("live-status").textContent = T.replaced; },
  });

  function receive(message) {
    if (message.type === "poll" || message.type === "view") renderPoll(message.poll);
    if (message.type === "voted") renderPoll(Object.assign({}, currentPoll, { voted: votedAnswer }));
    if (message.type === "view") {
      thinking = null;
      view = message;
      state = message.state;
      seq = message.seq;
      log = message.log.slice();
      indexDeck();
      render();
    } else if (message.type === "events") {
      if (!view) return;
      const fresh = message.events.filter((e) => e.seq > seq);
      if (fresh.length && fresh[0].seq !== seq + 1) {
        socket.send({ type: "sync", since: seq });  // a gap: ask for what we missed
        return;
      }
      log = log.concat(fresh).slice(-60);
      state = message.state;
      seq = message.seq;
      arrived = new Set(fresh.filter((e) => e.type === "hit" && e.seat === view.you.seat).map((e) => e.card));
      if (fresh.some((e) => e.type === "turn_passed" && e.seat === view.you.seat) && navigator.vibrate) {
        navigator.vibrate(120);
      }
      notePresence(fresh);
      render();
      announce(fresh);
    } else if (message.type === "welcome_back") {
      welcomeBack(message.played);
    } else if (message.type === "ack") {
      pendingId = null;
      choice.card = null;
      renderAsk();
    } else if (message.type === "error") {
      pendingId = null;
      showError(message.message);
      renderAsk();
    }
  }

  /* Who is away, and who is thinking long (a nudge): from the table's public events.
     The nudge holds until the player on turn moves. */
  let thinking = null;
  function notePresence(events) {
    for (const event of events) {
      const player = view.players.find((p) => p.seat === event.seat);
      if (event.type === "turn_nudge") {
        thinking = event.seat;
        if (event.seat === view.you.seat && navigator.vibrate) navigator.vibrate([200, 100, 200]);
      } else if (["asked", "turn_passed", "paused", "game_over"].includes(event.type)) {
        thinking = null;
      }
      if (!player) continue;
      if (event.type === "player_away") player.away = true;
      if (event.type === "seat_stood_in") Object.assign(player, { away: true, stand_in: true });
      if (event.type === "seat_returned") Object.assign(player, { away: false, stand_in: false });
    }
  }

  function welcomeBack(played) {
    const lines = [T.back_hand];
    if (played) {
      const quartets = played.quartets.map((key) => (themes[key] ? themes[key].name : key));
      if (quartets.length) lines.unshift(fmt(T.back_quartets, { themes: quartets.join(", ") }));
      lines.unshift(fmt(T.back_bot, { asks: played.asks, hits: played.hits }));
    }
    $("dialog-title").textContent = T.back_title;
    $("dialog-body").replaceChildren(...lines.map((line) => el("p", { class: "dialog-lead" }, line)));
    if (!$("dialog").open) $("dialog").showModal();
  }

  function indexDeck() {
    cards = {}; themes = {}; themeOf = {};
    for (const theme of view.deck.themes) {
      themes[theme.key] = theme;
      for (const card of theme.cards) { cards[card.key] = card; themeOf[card.key] = theme.key; }
    }
  }

  function nameOf(seat) {
    const player = view.players.find((p) => p.seat === seat);
    if (!player) return "?";
    return seat === view.you.seat ? `${isolated(player.name)} (${T.you})` : isolated(player.name);
  }

  function plainName(seat) {
    const player = view.players.find((p) => p.seat === seat);
    return player ? isolated(player.name) : "?";
  }

  function describe(event) {
    const text = T.events[event.type];
    if (!text) return event.type;
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
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function render() {
    const seated = view.table && view.table.status !== "waiting" && state;
    $("lobby").hidden = !!seated;
    $("table").hidden = !seated;
    if (!seated) { renderLobby(); return; }
    renderBanner();
    renderPlayers();
    renderHand();
    renderAsk();
    renderRanking();
    renderLog();
  }

  function renderLobby() {
    $("lobby-title").textContent = fmt(T.welcome, { name: isolated(view.you.name) });
    if (view.workshop.status === "ended") { $("lobby-text").textContent = T.ended; return; }
    if (!view.table) { $("lobby-text").textContent = T.unseated; return; }
    const others = view.players.filter((p) => p.seat !== view.you.seat).map((p) => isolated(p.name));
    $("lobby-text").textContent = others.length
      ? fmt(T.seated, { number: view.table.number, others: others.length > 1 ? others.slice(0, -1).join(", ") + " " + T.and + " " + others.at(-1) : others[0] })
      : fmt(T.seated_alone, { number: view.table.number });
  }

  function myTurn() {
    return state.turn !== null && state.turn === view.you.seat && !state.paused && state.status === "playing" && !view.you.replaced;
  }

  function renderBanner() {
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

  function renderPlayers() {
    $("players").replaceChildren(...view.players.map((p) => el("li", { class: state.turn === p.seat ? "turn" : "" },
      el("span", { class: "player-name" }, nameOf(p.seat) + (p.bot ? ` (${T.bot})` : "")
        + (p.stand_in ? ` (${T.stood_in})` : p.away ? ` (${T.away})` : "")),
      el("span", { class: "player-count" }, fmt(T.cards, { count: state.counts[p.seat] ?? 0 })),
      el("span", { class: "player-quartets" }, ...(state.laid[p.seat] || []).map((key) => quartetButton(key))),
    )));
  }

  function handByTheme() {
    const groups = new Map();
    for (const key of state.hand) {
      const theme = themeOf[key];
      if (!groups.has(theme)) groups.set(theme, []);
      groups.get(theme).push(key);
    }
    return groups;
  }

  function renderHand() {
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
    return view.players.filter((p) => p.seat !== view.you.seat && (state.counts[p.seat] || 0) > 0);
  }

  function choiceButton(label, selected, onclick, colour) {
    return el("button", { type: "button", class: "choice" + (selected ? " selected" : ""), "aria-pressed": selected ? "true" : "false", style: colour ? `--theme: ${colour}` : null, onclick }, label);
  }

  function renderAsk() {
    const section = $("ask");
    section.hidden = !myTurn();
    if (section.hidden) return;
    const groups = handByTheme();
    if (choice.theme && !groups.has(choice.theme)) choice.theme = null;
    if (!choice.theme && groups.size === 1) choice.theme = [...groups.keys()][0];
    const targets = legalTargets();
    if (choice.target !== null && !targets.some((p) => p.seat === choice.target)) choice.target = null;
    if (choice.target === null && targets.length === 1) choice.target = targets[0].seat;
    $("ask-themes").replaceChildren(...[...groups.keys()].map((key) => choiceButton(themes[key].name, choice.theme === key, () => { choice.theme = key; choice.card = null; renderAsk(); }, themes[key].colour)));
    const lacking = choice.theme ? themes[choice.theme].cards.filter((c) => !state.hand.includes(c.key)) : [];
    if (choice.card && !lacking.some((c) => c.key === choice.card)) choice.card = null;
    $("ask-cards").replaceChildren(...lacking.map((c) => choiceButton(`${c.number} ${c.title}`, choice.card === c.key, () => { choice.card = c.key; renderAsk(); }, themes[choice.theme].colour)));
    $("ask-targets").replaceChildren(...targets.map((p) => choiceButton(isolated(p.name), choice.target === p.seat, () => { choice.target = p.seat; renderAsk(); })));
    $("ask-cards").closest("fieldset").hidden = !choice.theme;
    const ready = choice.theme && choice.card && choice.target !== null;
    const send = $("ask-send");
    send.disabled = !ready || pendingId !== null;
    send.textContent = ready
      ? fmt(T.ask, { target: nameOf(choice.target), theme: themes[choice.theme].name, card: cards[choice.card].title })
      : T.ask_pick;
  }

  $("ask-send").addEventListener("click", () => {
    if (pendingId !== null) return;
    pendingId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
    const message = { type: "ask", id: pendingId, target: choice.target, card: choice.card };
    if (!socket.send(message)) { pendingId = null; showError(T.offline); }
    renderAsk();
  });

  function renderRanking() {
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
    const theme = themes[key];
    return el("button", { type: "button", class: "quartet-chip", style: `--theme: ${theme ? theme.colour : "#555"}`, onclick: () => openQuartet(key) }, theme ? theme.name : key);
  }

  async function fragment(url) {
    if (!fragments.has(url)) {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.statusText);
      fragments.set(url, await response.text());
    }
    return fragments.get(url);
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
    const card = cards[key];
    openDialog(themes[themeOf[key]].name, `/kaarten/${view.deck.slug}/${themeOf[key]}/${card.number}/?fragment=1`);
  }

  function openQuartet(key, lead, title) {
    openDialog(title || themes[key].name, `/kaarten/${view.deck.slug}/${key}/?fragment=1`, lead);
  }

  function announce(events) {
    const answer = events.filter((e) => e.type === "hit" || e.type === "miss").at(-1);
    if (answer) {
      const box = $("answer");
      box.textContent = describe(answer);  // "Ja! ..." or "Nee, helaas: ..."
      box.className = "answer " + answer.type;
      box.hidden = false;
      clearTimeout(announce.timer);
      announce.timer = setTimeout(() => { box.hidden = true; }, 3500);
    }
    const quartet = events.find((e) => e.type === "quartet_laid" && !e.dealt);
    if (quartet) {
      openQuartet(quartet.theme, fmt(T.quartet_by, { name: plainName(quartet.seat), theme: themes[quartet.theme].name }), T.quartet);
    }
  }

  // Only new entries are added (newest first), so screen readers announce just those.
  let currentPoll = null;
  let votedAnswer = null;

  function renderPoll(poll) {
    currentPoll = poll || null;
    const section = $("poll");
    section.hidden = !currentPoll;
    if (!currentPoll) return;
    const voted = currentPoll.voted !== null && currentPoll.voted !== undefined;
    $("poll-question").textContent = currentPoll.question;
    $("poll-answers").replaceChildren(...currentPoll.answers.map((answer, index) => el("button", {
      type: "button", class: "choice" + (voted && currentPoll.voted === index ? " selected" : ""),
      "aria-pressed": voted && currentPoll.voted === index ? "true" : "false", disabled: voted,
      onclick: () => { votedAnswer = index; socket.send({ type: "vote", poll: currentPoll.id, answer: index }); },
    }, answer)));
    $("poll-thanks").hidden = !voted;
  }

  function renderLog() {
    const list = $("log");
    const shownSeq = Number(list.dataset.seq || 0);
    const fresh = log.filter((e) => e.seq > shownSeq && !(e.type === "turn_passed" && e.reason === "start"));
    if (log.length && log[0].seq > shownSeq + 1 && shownSeq) list.replaceChildren();  // a fresh view
    for (const event of fresh) list.prepend(el("li", { class: "log-" + event.type }, describe(event)));
    while (list.children.length > 12) list.lastElementChild.remove();
    if (log.length) list.dataset.seq = String(log.at(-1).seq);
  }
})();
