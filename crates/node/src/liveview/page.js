// The live view's script. Everything that comes from the node is written with
// textContent or setAttribute, never innerHTML: a coinbase may say anything.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 150, BOX_H = 118, GAP_X = 40, GAP_Y = 34, TOP = 60, LEFT = 20;

const view = {
  state: null,
  tip: null,            // the tip drawn last
  seenBlocks: new Set(),
  seenTxs: new Set(),
  refreshing: false,
  again: false,
  detailsKey: null,
};

function $(id) { return document.getElementById(id); }

// An HTML element with text (never markup).
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function btc(sats) {
  if (sats === null || sats === undefined) return "?";
  return (sats / 1e8).toFixed(8).replace(/\.?0+$/, "") + " BTC";
}

function ago(seconds) {
  if (seconds < 0) return "-" + ago(-seconds);
  if (seconds < 120) return seconds + "s";
  if (seconds < 7200) return Math.round(seconds / 60) + "min";
  return Math.round(seconds / 3600) + "h";
}

// Fee rate to colour: blue at 1 sat/vB, through green and yellow, red from 100.
function rateColour(rate) {
  const t = Math.max(0, Math.min(1, Math.log10(Math.max(rate, 1)) / 2));
  const hue = 220 - 220 * t;
  return "hsl(" + hue.toFixed(0) + ", 85%, 55%)";
}

// ---- the block tree ----

// Lanes: the active chain on lane 0; each other branch on a lane of its own.
function layout(blocks) {
  const byHash = new Map(blocks.map(b => [b.hash, b]));
  const lane = new Map();
  const taken = new Set();      // "lane:height"
  let next = 1;
  for (const b of blocks) {
    if (b.status === "active") { lane.set(b.hash, 0); taken.add("0:" + b.height); }
  }
  for (const b of blocks) {
    if (lane.has(b.hash)) continue;
    const parent = byHash.get(b.parent);
    let l = parent && lane.has(parent.hash) && lane.get(parent.hash) !== 0 ? lane.get(parent.hash) : null;
    if (l === null || taken.has(l + ":" + b.height)) l = next++;
    lane.set(b.hash, l);
    taken.add(l + ":" + b.height);
  }
  return { lane, lanes: next, byHash };
}

function drawTree(state) {
  const tree = $("tree");
  const blocks = state.blocks;
  const minH = blocks.length ? Math.min(...blocks.map(b => b.height)) : 0;
  const maxH = blocks.length ? Math.max(...blocks.map(b => b.height)) : 0;
  const { lane, lanes, byHash } = layout(blocks);
  // Heights run left to right, wrapped into rows: as many per row as makes the drawing
  // largest in the panel, for the back of the room.
  const rowH = lanes * (BOX_H + GAP_Y) + 40;
  const heights = maxH - minH + 1;
  const panel = tree.getBoundingClientRect();
  let perRow = 10, best = 0;
  for (let n = 3; n <= Math.max(3, heights); n++) {
    const w = LEFT * 2 + n * (BOX_W + GAP_X), h = TOP + Math.ceil(heights / n) * rowH;
    const scale = Math.min(panel.width / w, panel.height / h);
    if (scale > best * 1.001) { best = scale; perRow = n; }
  }
  const pos = b => {
    const i = b.height - minH;
    const row = Math.floor(i / perRow), col = i % perRow;
    return { x: LEFT + col * (BOX_W + GAP_X), y: TOP + row * rowH + lane.get(b.hash) * (BOX_H + GAP_Y) };
  };
  const rows = Math.floor((maxH - minH) / perRow) + 1;
  const width = LEFT * 2 + perRow * (BOX_W + GAP_X);
  const height = TOP + rows * rowH;
  tree.setAttribute("viewBox", "0 0 " + width + " " + height);
  const oldMark = $("tipmark");
  while (tree.firstChild) tree.removeChild(tree.firstChild);
  const links = svg("g", { id: "links" });
  const boxes = svg("g", { id: "blocks" });
  tree.appendChild(links);
  tree.appendChild(boxes);
  for (const b of blocks) {
    const p = pos(b);
    const parent = byHash.get(b.parent);
    if (parent) {
      const q = pos(parent);
      const cls = b.status === "invalid" ? "link invalid" : (b.status === "active" ? "link active" : "link");
      let d;
      if (q.y === p.y || Math.abs(p.x - q.x) === BOX_W + GAP_X) {
        d = "M" + (q.x + BOX_W) + " " + (q.y + BOX_H / 2) + " L" + p.x + " " + (p.y + BOX_H / 2);
      } else {
        // Wrapped to the next row: go down, then left.
        d = "M" + (q.x + BOX_W / 2) + " " + (q.y + BOX_H) + " L" + (p.x + BOX_W / 2) + " " + p.y;
      }
      links.appendChild(svg("path", { d, class: cls }));
    }
    const isTip = b.hash === state.tip.hash;
    const cls = "block " + b.status + (isTip ? " tip" : "") + (view.seenBlocks.size && !view.seenBlocks.has(b.hash) ? " new" : "");
    const g = svg("g", {
      class: cls, transform: "translate(" + p.x + "," + p.y + ")",
      "data-hash": b.hash, "data-height": b.height, "data-status": b.status,
    });
    g.appendChild(svg("rect", { width: BOX_W, height: BOX_H, rx: 10 }));
    g.appendChild(svg("text", { x: 12, y: 34, class: "height" }, b.height));
    g.appendChild(svg("text", { x: 12, y: 60, class: "mono" }, b.short));
    const parentTime = parent ? parent.time : null;
    g.appendChild(svg("text", { x: 12, y: 84, class: "small" },
      b.txs + " tx" + (parentTime !== null ? "  +" + ago(b.time - parentTime) : "")));
    g.appendChild(svg("text", { x: 12, y: 106, class: "small" },
      b.fees === null ? b.status : "fees " + (b.fees / 1e8).toFixed(b.fees ? 5 : 0)));
    g.addEventListener("click", () => showBlock(b.hash));
    boxes.appendChild(g);
  }
  // The tip marker glides from the old tip to the new one (a reorg moves it sideways).
  const mark = oldMark || svg("g", { id: "tipmark" });
  while (mark.firstChild) mark.removeChild(mark.firstChild);
  mark.appendChild(svg("polygon", { points: "0,0 30,0 15,22" }));
  mark.appendChild(svg("text", { x: 38, y: 20 }, "tip"));
  tree.appendChild(mark);
  const tipBlock = byHash.get(state.tip.hash);
  if (tipBlock) {
    const p = pos(tipBlock);
    // Force a layout first, so that a new marker starts where it is and moves later.
    mark.getBoundingClientRect();
    mark.style.transform = "translate(" + (p.x + BOX_W / 2 - 15) + "px," + (p.y - 28) + "px)";
  }
  for (const b of blocks) view.seenBlocks.add(b.hash);
}

// ---- the mempool ----

function drawMempool(state) {
  const pool = state.mempool;
  $("mempool-summary").textContent = pool.count + " tx \u00b7 " + pool.vsize + " vB \u00b7 " + btc(pool.fees) +
    " \u00b7 next block " + pool.template.count + " tx, " + btc(pool.template.fees);
  const box = $("mempool").getBoundingClientRect();
  const area = Math.max(1, box.width * box.height * 0.55);
  const total = pool.txs.reduce((s, t) => s + t.weight, 0) || 1;
  // Side of a square of weight w: sqrt(w) * k, the squares together filling about half.
  const k = Math.min(Math.sqrt(area / total), 120 / Math.sqrt(Math.max(...pool.txs.map(t => t.weight), 1)));
  const template = $("template-txs"), waiting = $("waiting");
  // Thousands of transactions: thin gaps and small squares, so that all of them fit.
  const dense = pool.txs.length > 300;
  for (const c of [template, waiting]) {
    while (c.firstChild) c.removeChild(c.firstChild);
    c.classList.toggle("dense", dense);
  }
  for (const t of pool.txs) {
    const side = Math.max(dense ? 3 : 8, Math.sqrt(t.weight) * k);
    const d = el("div", "tx" + (view.seenTxs.size && !view.seenTxs.has(t.txid) ? " new" : ""));
    d.style.width = side.toFixed(1) + "px";
    d.style.height = side.toFixed(1) + "px";
    d.style.background = rateColour(t.rate);
    d.dataset.txid = t.txid;
    d.title = t.txid + "\n" + t.rate + " sat/vB, " + t.vsize + " vB";
    d.addEventListener("click", () => showTx(t.txid, null));
    (t.template ? template : waiting).appendChild(d);
  }
  if (pool.listed < pool.count) waiting.appendChild(el("div", "more", "+" + (pool.count - pool.listed) + " more, not drawn"));
  view.seenTxs = new Set(pool.txs.map(t => t.txid));
  drawLeft(pool.left || []);
}

// What left the pool lately, and why: confirmed by a block, replaced by a higher fee,
// in conflict with a block, evicted from a full pool, expired, or undone by a reorg.
function drawLeft(left) {
  const box = $("left");
  while (box.firstChild) box.removeChild(box.firstChild);
  const counts = new Map();
  for (const t of left) counts.set(t.why, (counts.get(t.why) || 0) + 1);
  $("left-summary").textContent = left.length
    ? [...counts].map(([why, n]) => n + " " + why).join(" \u00b7 ")
    : "nothing in the last seconds";
  box.classList.toggle("dense", left.length > 12);
  for (const t of left) {
    const d = el("span", "gone " + t.why);
    d.dataset.txid = t.txid;
    d.dataset.why = t.why;
    d.title = t.txid + "\n" + t.why + " (" + t.reason + "), " + t.rate + " sat/vB";
    // Already faded by the time it was drawn, if it left a while ago.
    d.style.animationDelay = "-" + (t.ago_ms / 1000).toFixed(2) + "s";
    const swatch = el("i");
    swatch.style.background = rateColour(t.rate);
    d.appendChild(swatch);
    d.appendChild(el("span", null, t.txid.slice(0, 8) + " " + t.why));
    box.appendChild(d);
  }
}

function drawLegend() {
  const legend = $("rate-legend");
  legend.appendChild(el("span", null, "sat/vB:")).style.color = "var(--dim)";
  for (const r of [1, 3, 10, 30, 100]) {
    const s = el("span", null, String(r));
    s.style.background = rateColour(r);
    legend.appendChild(s);
  }
}

// ---- the peers ----

function drawPeers(state) {
  const list = $("peers");
  while (list.firstChild) list.removeChild(list.firstChild);
  $("peer-count").textContent = state.peers.length ? String(state.peers.length) : "none";
  for (const p of state.peers) {
    const li = el("li");
    li.dataset.peer = String(p.id);
    li.appendChild(el("span", "dir", p.inbound ? "in" : "out"));
    li.appendChild(el("span", "mono", "#" + p.id + " " + p.address));
    li.appendChild(el("span", null, "  height " + p.height + (p.subver ? "  " + p.subver : "")));
    list.appendChild(li);
  }
}

function clock(ms) {
  const d = new Date(ms);
  const two = n => String(n).padStart(2, "0");
  return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + "." +
    String(d.getMilliseconds()).padStart(3, "0");
}

// One line of the feed: a block or transaction from a peer (in) or to one (out).
function activityLine(a, fresh) {
  const li = el("li", a.dir + (fresh ? " fresh" : ""));
  li.dataset.peer = String(a.peer);
  li.dataset.what = a.what;
  li.dataset.dir = a.dir;
  li.dataset.id = a.id;
  li.appendChild(el("span", "mono", clock(a.at_ms) + " "));
  li.appendChild(el("span", "arrow", a.dir === "in" ? "\u2190" : "\u2192"));
  const thing = a.what === "block" ? "block " + a.height + " \u2026" + a.short : "tx " + a.id.slice(0, 8);
  li.appendChild(el("span", null, thing + (a.dir === "in" ? " from #" : " to #") + a.peer + " (" + a.how + ")"));
  return li;
}

function drawActivity(list) {
  const feed = $("activity");
  while (feed.firstChild) feed.removeChild(feed.firstChild);
  for (const a of list || []) feed.appendChild(activityLine(a, false));
}

// A line that arrived between snapshots goes on top at once.
function addActivity(a) {
  const feed = $("activity");
  feed.insertBefore(activityLine(a, true), feed.firstChild);
  while (feed.children.length > 12) feed.removeChild(feed.lastChild);
}

// ---- mining ----

function rateText(perSecond) {
  const units = [["GH/s", 1e9], ["MH/s", 1e6], ["kH/s", 1e3]];
  for (const [unit, size] of units) if (perSecond >= size) return (perSecond / size).toFixed(1) + " " + unit;
  return perSecond.toFixed(0) + " H/s";
}

function seconds(s) {
  if (s < 1e-3) return (s * 1e6).toFixed(1) + " \u00b5s";
  if (s < 1) return (s * 1e3).toFixed(1) + " ms";
  if (s < 120) return s.toFixed(1) + " s";
  if (s < 2 * 86400) return (s / 3600).toFixed(1) + " h";
  if (s < 2 * 31557600) return (s / 86400).toFixed(0) + " days";
  return (s / 31557600).toPrecision(3) + " years";
}

function count(x) {
  return x < 1e6 ? Math.round(x).toLocaleString("en") : x.toPrecision(3);
}

function drawMining(state) {
  const m = state.mining;
  if (!m) return;
  // Leading zeros are what a reader looks for in a target.
  const zeros = m.target.match(/^0*/)[0].length;
  $("target").textContent = m.target.slice(0, Math.min(64, zeros + 16)) + "\u2026";
  $("target").title = m.target + " (bits " + m.bits + ", difficulty " + m.difficulty + ")";
  $("mining-summary").textContent = "bits " + m.bits + " \u00b7 difficulty " + Number(m.difficulty).toPrecision(3);
  $("mining-odds").textContent = count(m.expected) +
    " attempts per block on average \u00b7 this machine " + rateText(m.hashrate) +
    ", about " + seconds(m.expected / Math.max(m.hashrate, 1)) + " a block";
  const chips = $("mined");
  while (chips.firstChild) chips.removeChild(chips.firstChild);
  if (m.blocks) {
    chips.appendChild(el("span", null, "mined here: " + m.blocks + " blocks, " + count(m.attempts) +
      " attempts (expected " + count(m.expected_total) + ")"));
  }
  for (const b of m.recent) {
    const chip = el("span", b.attempts <= b.expected ? "lucky" : "unlucky",
      b.height + ": " + count(b.attempts) + " tries");
    chip.dataset.height = String(b.height);
    chip.dataset.attempts = String(b.attempts);
    chip.title = "block \u2026" + b.short + ": " + b.attempts + " attempts, " + count(b.expected) + " expected";
    chips.appendChild(chip);
  }
}

// ---- a snapshot ----

async function refresh() {
  if (view.refreshing) { view.again = true; return; }
  view.refreshing = true;
  try {
    do {
      view.again = false;
      const response = await fetch("/api/state", { cache: "no-store" });
      if (!response.ok) throw new Error("state: " + response.status);
      const state = await response.json();
      draw(state);
    } while (view.again);
  } catch (e) {
    console.log("refresh failed", e);
  } finally {
    view.refreshing = false;
  }
}

function draw(state) {
  const before = view.state;
  $("network").textContent = state.network;
  $("tip-height").textContent = String(state.tip.height);
  $("tip-hash").textContent = state.tip.hash;
  // A reorganisation: the old tip is no longer on the active chain.
  if (before && before.tip.hash !== state.tip.hash) {
    const old = state.blocks.find(b => b.hash === before.tip.hash);
    if (old && old.status !== "active") {
      const note = $("reorg-note");
      note.textContent = "reorg: tip left " + old.short + " (" + old.status + ")";
      note.hidden = false;
      clearTimeout(view.reorgTimer);
      view.reorgTimer = setTimeout(() => { note.hidden = true; }, 8000);
    }
  }
  view.state = state;
  drawTree(state);
  drawMempool(state);
  drawPeers(state);
  drawActivity(state.activity);
  drawMining(state);
  document.body.dataset.tip = state.tip.hash;
  document.body.dataset.height = String(state.tip.height);
  document.body.dataset.mempool = String(state.mempool.count);
}

// ---- details on click ----

function row(table, key, value, cls) {
  const tr = el("tr");
  tr.appendChild(el("td", "k", key));
  const td = el("td", cls || null);
  if (value instanceof Node) td.appendChild(value); else td.textContent = value === undefined || value === null ? "" : String(value);
  tr.appendChild(td);
  table.appendChild(tr);
  return tr;
}

function openDetails(title) {
  const body = $("details-body");
  while (body.firstChild) body.removeChild(body.firstChild);
  body.appendChild(el("h3", null, title));
  $("details").hidden = false;
  return body;
}

function rawFields(body, raw, heading) {
  body.appendChild(el("h4", null, heading));
  const table = el("table", "raw");
  for (const f of raw.fields) {
    const tr = el("tr");
    tr.appendChild(el("td", "k", f.name));
    tr.appendChild(el("td", "hex", f.hex));
    tr.appendChild(el("td", "note", f.note));
    table.appendChild(tr);
  }
  body.appendChild(table);
  if (raw.error) body.appendChild(el("p", null, "(" + raw.error + ")"));
}

// The printable characters of a coinbase's script: miners write text there.
function asText(hex) {
  let out = "";
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const c = parseInt(hex.substr(i, 2), 16);
    out += c >= 32 && c < 127 ? String.fromCharCode(c) : ".";
  }
  return out;
}

async function showBlock(hash) {
  view.detailsKey = "block:" + hash;
  const response = await fetch("/api/block/" + encodeURIComponent(hash), { cache: "no-store" });
  const body = openDetails("Block " + hash);
  body.dataset.kind = "block";
  body.dataset.hash = hash;
  if (!response.ok) { body.appendChild(el("p", null, await response.text())); return; }
  const b = await response.json();
  const t = el("table");
  row(t, "height", b.height);
  row(t, "confirmations", b.confirmations);
  row(t, "time", new Date(b.time * 1000).toISOString());
  row(t, "transactions", b.nTx);
  row(t, "size / weight", b.size + " B / " + b.weight + " WU");
  row(t, "bits / difficulty", b.bits + " / " + b.difficulty);
  row(t, "previous", b.previousblockhash || "(none)");
  body.appendChild(t);
  const coinbase = b.tx && b.tx[0] && b.tx[0].vin && b.tx[0].vin[0] && b.tx[0].vin[0].coinbase;
  if (coinbase) {
    body.appendChild(el("h4", null, "Coinbase text (what the miner wrote)"));
    body.appendChild(el("div", "coinbase-text", asText(coinbase)));
  }
  body.appendChild(el("h4", null, "Transactions"));
  const txs = el("table");
  for (const tx of b.tx || []) {
    const link = el("span", "link-like mono", tx.txid);
    link.addEventListener("click", () => showTx(tx.txid, hash));
    row(txs, tx.fee !== undefined ? "fee " + tx.fee : (tx.vin[0].coinbase ? "coinbase" : ""), link);
  }
  body.appendChild(txs);
  if (b.raw_header) rawFields(body, b.raw_header, "Header bytes (80)");
}

async function showTx(txid, block) {
  view.detailsKey = "tx:" + txid;
  const url = "/api/tx/" + encodeURIComponent(txid) + (block ? "/" + encodeURIComponent(block) : "");
  const response = await fetch(url, { cache: "no-store" });
  const body = openDetails("Transaction " + txid);
  body.dataset.kind = "tx";
  body.dataset.txid = txid;
  if (!response.ok) { body.appendChild(el("p", null, await response.text())); return; }
  const tx = await response.json();
  const t = el("table");
  row(t, "size / vsize / weight", tx.size + " / " + tx.vsize + " / " + tx.weight);
  if (tx.mempool) {
    row(t, "fee", btc(tx.mempool.fee));
    row(t, "fee rate", tx.mempool.rate + " sat/vB");
    row(t, "status", "waiting in the mempool");
  } else {
    if (tx.fee !== undefined) row(t, "fee", tx.fee + " BTC");
    row(t, "status", tx.blockhash ? "in block " + tx.blockhash : "");
  }
  row(t, "lock time", tx.locktime);
  body.appendChild(t);
  body.appendChild(el("h4", null, "Inputs"));
  const ins = el("table");
  (tx.vin || []).forEach((vin, i) => {
    if (vin.coinbase) { row(ins, i, "coinbase: " + asText(vin.coinbase)); return; }
    let text = vin.txid + ":" + vin.vout;
    if (vin.prevout) text += "  " + vin.prevout.value + " BTC  " + (vin.prevout.scriptPubKey.address || vin.prevout.scriptPubKey.type);
    row(ins, i, text, "mono");
  });
  body.appendChild(ins);
  body.appendChild(el("h4", null, "Outputs"));
  const outs = el("table");
  (tx.vout || []).forEach((out, i) => {
    const spk = out.scriptPubKey || {};
    const state = (tx.unspent && tx.unspent[i]) || "";
    const r = row(outs, i, out.value + " BTC  " + spk.type + "  " + (spk.address || spk.asm || ""), "mono");
    r.appendChild(el("td", state === "unspent" ? "unspent" : "spent", state));
  });
  body.appendChild(outs);
  if (tx.raw) rawFields(body, tx.raw, "Bytes");
}

// ---- events ----

function connect() {
  const status = $("status");
  const source = new EventSource("/events");
  source.onopen = () => { status.textContent = "live"; status.className = "status live"; };
  source.onerror = () => {
    status.textContent = "reconnecting";
    status.className = "status offline";
    // The browser retries by itself; if it gave up (the node refused), start again.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1000);
  };
  source.onmessage = (message) => {
    let event = null;
    try { event = JSON.parse(message.data); } catch (e) { event = null; }
    // The peers' feed needs no snapshot: the line itself is the news.
    if (event && event.kind === "peer") addActivity(event.detail);
    else refresh();
  };
}

$("close-details").addEventListener("click", () => { $("details").hidden = true; view.detailsKey = null; });
drawLegend();
connect();
refresh();
