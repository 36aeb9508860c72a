// lpops status page. Reads ui/status.json, ui/rounds.json, ui/alerts.json
// and ui/actions.json every 10 s and renders them. No framework, no build
// step; data is only ever inserted as text, never as markup.
'use strict';
(function () {
  const REFRESH_MS = 10000;
  const ROUNDS = 30;
  const SVGNS = 'http://www.w3.org/2000/svg';
  const ZERO = '0x0000000000000000000000000000000000000000';

  const OUTCOMES = {
    rewarded_by_node: { cls: 'node', label: 'Rewarded by node' },
    rewarded_by_lpops: { cls: 'lpops', label: 'Rewarded by lpops' },
    missed: { cls: 'missed', label: 'Missed' },
    inactive: { cls: 'inactive', label: 'Inactive' },
    unknown: { cls: 'unknown', label: 'Unknown (chain unreadable)' },
    '': { cls: 'current', label: 'In progress' },
  };

  const ui = {
    timer: 0, busy: false, refreshes: 0, lastOK: 0,
    status: null, rounds: [], pub: false, selected: null, skew: 0,
  };

  // ---- DOM helpers -------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    setProps(e, props);
    for (const c of kids.flat()) {
      if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setProps(e, props) {
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }

  function pill(text, cls) { return el('span', { class: 'pill ' + (cls || '') }, text); }

  function facts(dl, rows) {
    dl.replaceChildren();
    for (const [k, v] of rows) {
      if (v === null || v === undefined) continue;
      dl.append(el('dt', null, k), el('dd', null, v));
    }
  }

  // ---- formatting --------------------------------------------------------

  function bigint(s) {
    try { return BigInt(s === undefined || s === null || s === '' ? 0 : s); } catch (e) { return 0n; }
  }

  // units formats an integer amount of base units (a decimal string) with
  // decimals places, rounded to digits fractional digits.
  function units(s, decimals, digits) {
    let v = bigint(s);
    const neg = v < 0n;
    if (neg) v = -v;
    const cut = 10n ** BigInt(decimals - digits);
    v = (v + cut / 2n) / cut;
    const base = 10n ** BigInt(digits);
    let out = (v / base).toLocaleString('en-US');
    if (digits > 0) out += '.' + (v % base).toString().padStart(digits, '0');
    return (neg ? '-' : '') + out;
  }
  const lpt = (s, d) => units(s, 18, d === undefined ? 2 : d);
  const eth = (s) => units(s, 18, 4);
  const lptFloat = (s) => Number(bigint(s) / 10n ** 12n) / 1e6;

  function num(n, d) {
    return Number(n).toLocaleString('en-US', { minimumFractionDigits: d || 0, maximumFractionDigits: d || 0 });
  }

  function dur(sec) {
    sec = Math.max(0, Math.round(sec));
    if (sec < 60) return sec + ' s';
    const m = Math.floor(sec / 60);
    if (m < 60) return m + ' min' + (m < 10 && sec % 60 ? ' ' + (sec % 60) + ' s' : '');
    const h = Math.floor(m / 60);
    if (h < 48) return h + ' h ' + String(m % 60).padStart(2, '0') + ' min';
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  // now is the server's clock (the status document's time), so that ages do
  // not depend on the viewer's clock.
  function now() { return Date.now() + ui.skew; }

  function ago(t) {
    const ms = Date.parse(t);
    if (!t || !isFinite(ms) || ms <= 0) return '—';
    const d = (now() - ms) / 1000;
    return d < 2 ? 'just now' : dur(d) + ' ago';
  }

  function clock(t) {
    const d = new Date(typeof t === 'number' ? t : Date.parse(t));
    return isNaN(d) ? '—' : d.toLocaleTimeString('en-GB', { hour12: false });
  }

  function when(t) {
    const d = new Date(Date.parse(t));
    if (isNaN(d)) return '—';
    return d.toLocaleString('en-GB', { hour12: false, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }

  const isHex = (s) => typeof s === 'string' && /^0x[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(s);
  const masked = (s) => typeof s === 'string' && /^\[.*\]$/.test(s);
  const lower = (s) => (typeof s === 'string' ? s.toLowerCase() : '');

  function short(s) {
    if (!s) return '—';
    return isHex(s) ? s.slice(0, 8) + '…' + s.slice(-6) : s;
  }

  // addr shows an address or hash compactly with the full value on hover,
  // or its role when the public view masked it.
  function addr(s) {
    if (!s) return '—';
    if (masked(s)) return el('span', { class: 'muted' }, 'hidden');
    return el('span', { class: 'mono', title: s }, short(s));
  }

  function pct(v) { return (Math.round(v * 100) / 100).toLocaleString('en-US') + ' %'; }

  function roleOf(a, k) {
    const x = lower(a);
    if (k) {
      if (x === lower(k.orchestrator)) return 'orchestrator';
      if (k.signer && x === lower(k.signer)) return 'signer';
      if (k.reward_caller && x === lower(k.reward_caller)) return 'reward caller';
    }
    return masked(a) ? a.slice(1, -1) : 'account';
  }

  // probe returns the values of the named probe when the status document
  // carries probe results (a list of {probe, values} or a map by name).
  function probe(st, name) {
    const p = st && st.probes;
    if (!p) return null;
    const list = Array.isArray(p) ? p : Object.keys(p).map((k) => Object.assign({ probe: k }, p[k]));
    const r = list.find((x) => x && (x.probe === name || x.name === name));
    return r && r.values ? r.values : null;
  }

  // probeEvidence returns the named probe's evidence (absent in the
  // public view, which keeps values only).
  function probeEvidence(st, name) {
    const p = st && st.probes;
    const r = Array.isArray(p) ? p.find((x) => x && x.probe === name) : null;
    return (r && r.evidence) || {};
  }

  function secondsPerBlock(k) {
    return k && k.blocks_left > 0 && k.seconds_left_estimate > 0 ? k.seconds_left_estimate / k.blocks_left : 0;
  }

  // ---- sections ----------------------------------------------------------

  function renderBanner(st, err) {
    const b = $('banner');
    const show = (title, text, warn) => {
      $('banner-title').textContent = title;
      $('banner-text').textContent = text;
      b.className = 'banner' + (warn ? ' warn' : '');
      b.hidden = false;
      b.dataset.kind = warn ? 'warn' : 'error';
    };
    if (err) {
      const since = ui.lastOK ? ' Showing the data of ' + clock(ui.lastOK) + '.' : '';
      show('Cannot reach lpops.', err + '.' + since);
      return;
    }
    const k = st.keeper;
    if (!st.ready) {
      const why = st.not_ready_reason || '';
      if ((k && !k.chain_ok && (k.last_error || k.last_read)) || /^chain unreadable/i.test(why)) {
        let text = 'lpops cannot read the chain';
        if (k && k.last_error) text += ': ' + k.last_error;
        text += '.';
        if (k && k.last_read) text += ' Last good read ' + ago(k.last_read) + '.';
        text += ' Rounds are judged again once it reads; nothing here is counted as missed meanwhile.';
        show('Chain unreadable — not a missed round.', text);
        b.dataset.kind = 'chain';
        return;
      }
      show('lpops is not ready:', why || 'starting', true);
      return;
    }
    const eps = st.endpoints || [];
    if (eps.length && !eps.some((e) => e.healthy)) {
      show('No healthy RPC endpoint.', 'lpops reads through the least bad one; see the endpoints below.', true);
      return;
    }
    b.hidden = true;
    b.dataset.kind = '';
  }

  function renderOrchestrator(st) {
    const k = st.keeper;
    const a = $('orch-address');
    if (!k) {
      a.textContent = '—';
      $('orch-pills').replaceChildren();
      facts($('orch-facts'), [['Status', st.not_ready_reason || 'starting']]);
      return;
    }
    a.textContent = masked(k.orchestrator) ? 'address hidden in the public view' : k.orchestrator;
    a.classList.toggle('muted', masked(k.orchestrator));
    const stake = probe(st, 'stake');
    const pills = [
      k.registered ? pill('registered', 'ok') : pill('not registered', 'bad'),
      k.active ? pill('active', 'ok') : pill('not active', 'warn'),
    ];
    if (stake && stake.in_active_set_next_round === 0 && k.registered) pills.push(pill('leaves the active set next round', 'bad'));
    pills.push(k.mode === 'observe' ? pill('observe only', 'warn') : pill('lpops acts', ''));
    $('orch-pills').replaceChildren(...pills);

    let position = '—';
    if (stake && stake.cutoff_stake_lpt !== undefined) {
      if (stake.cutoff_stake_lpt > 0) {
        const m = stake.cutoff_margin_percent;
        position = num(stake.total_stake_lpt !== undefined ? stake.total_stake_lpt : lptFloat(k.total_stake), 0) +
          ' LPT vs cut-off ' + num(stake.cutoff_stake_lpt, 0) + ' LPT' +
          (m !== undefined ? ' (' + (m >= 0 ? '+' : '') + pct(m) + ')' : '');
      } else {
        position = 'active set not full' + (stake.pool_max_size ? ' (' + stake.pool_size + ' of ' + stake.pool_max_size + ')' : '') + ': no cut-off';
      }
    }
    let caller = '—';
    if (!k.reward_caller || k.reward_caller === ZERO) caller = 'none: the orchestrator calls reward itself';
    else caller = addr(k.reward_caller);
    let signer = 'none (observe only)';
    if (k.signer) {
      signer = el('span', null, addr(k.signer), k.reward_method ? ' · ' + k.reward_method + '()' : '');
    }
    facts($('orch-facts'), [
      ['Total stake', lpt(k.total_stake) + ' LPT'],
      ['Reward cut', stake && stake.reward_cut_percent !== undefined ? pct(stake.reward_cut_percent) : '—'],
      ['Fee share', stake && stake.fee_share_percent !== undefined ? pct(stake.fee_share_percent) : '—'],
      ['Active set', position],
      ['Reward caller', caller],
      ['lpops signs as', signer],
      ['Last backup', backupLine(probe(st, 'backup'))],
    ].concat(haFacts(st.ha)));
  }

  // haFacts shows high availability (ha: in the configuration; absent
  // otherwise, and from the public view): this instance's role, the leader
  // and for how long it has led, the members.
  function haFacts(h) {
    if (!h) return [];
    const role = h.role === 'leader' ? 'leader: this instance sends' :
      h.role === 'follower' ? 'follower: watches, the leader sends' : 'unknown: etcd does not answer';
    const leader = h.leader ? h.leader + ' for ' + Math.round(h.lease_age_seconds || 0) + ' s' : 'none';
    return [
      ['HA role', (h.name || '') + ' · ' + role],
      ['HA leader', leader],
      ['HA members', (h.members || []).map((m) => m.name).join(', ') || '—'],
    ];
  }

  // backupLine is the age of the newest encrypted backup (backup.destination),
  // marked stale past backup.stale_after; null (no row) without scheduled
  // backups.
  function backupLine(b) {
    if (!b) return null;
    const t = b.last_success_timestamp_seconds;
    const stale = b.stale_after_seconds > 0 && (!t || b.age_seconds > b.stale_after_seconds);
    const text = t ? ago(new Date(t * 1000).toISOString()) : 'none yet';
    return el('span', { id: 'backup-age' }, text, stale ? ' ' : '', stale ? pill('stale', 'bad') : '');
  }

  const BAD_STATES = new Set(['would_revert', 'insufficient_funds', 'fee_above_cap', 'gas_above_bound', 'unknown_in_flight', 'cannot_sign', 'too_late']);

  function rewardLine(k) {
    if (k.rewarded_by) {
      const who = k.rewarded_by === 'lpops' ? 'lpops' : 'the node';
      return ['✓ Reward called by ' + who + (k.reward_amount ? ' · +' + lpt(k.reward_amount) + ' LPT' : ''), 'ok'];
    }
    if (!k.registered) return ['Not registered: no reward is due.', 'warn'];
    if (!k.active) return ['Not active this round: no reward is due.', 'warn'];
    switch (k.state) {
      case 'waiting_initialized': return ['Not called yet: waiting for the round to be initialized.', ''];
      case 'waiting_grace': return ['Not called yet: the node\'s turn until block ' + num(k.grace_end_block) + ', then lpops calls it.', ''];
      case 'sending': case 'tx_pending': case 'retrying':
        return ['lpops is calling reward (' + k.state.replace('_', ' ') + ').', ''];
      case 'observe_only': return ['Not called yet (lpops only observes).', 'warn'];
    }
    return ['Not called yet: ' + (k.reason || k.state || 'waiting') + '.', BAD_STATES.has(k.state) ? 'bad' : ''];
  }

  // calledBy says who called reward and when: "the node in block 1,234,
  // 14:05 (3 min ago)". The time is when lpops saw the call on chain.
  function calledBy(by, method, block, seen) {
    let s = by === 'lpops' ? 'lpops' : 'the node';
    if (method) s += ' (' + method + ')';
    if (block) s += ' in block ' + num(block);
    if (seen && isFinite(Date.parse(seen))) s += ', ' + when(seen) + ' (' + ago(seen) + ')';
    return s;
  }

  function renderRound(st) {
    const k = st.keeper;
    if (!k || !k.round_length) {
      $('round-number').textContent = '—';
      $('round-init').replaceChildren();
      $('round-blocks').textContent = '';
      $('round-reward').textContent = '';
      facts($('round-facts'), []);
      return;
    }
    $('round-number').textContent = 'Round ' + k.round;
    const init = $('round-init');
    init.textContent = k.round_initialized ? 'initialized' : 'not initialized';
    init.className = 'pill ' + (k.round_initialized ? 'ok' : 'warn');

    const len = k.round_length;
    const pos = Math.min(Math.max(k.block_num - k.round_start_block, 0), len);
    const fill = $('round-fill');
    fill.style.width = (pos / len * 100).toFixed(2) + '%';
    fill.className = 'fill' + (k.rewarded_by === 'node' ? ' done' : k.rewarded_by === 'lpops' ? ' lpops' : '');
    $('round-bar').setAttribute('aria-valuenow', Math.round(pos / len * 100));
    const grace = $('round-grace');
    const g = k.grace_end_block - k.round_start_block;
    grace.hidden = !(g > 0 && g < len);
    grace.style.left = (g / len * 100).toFixed(2) + '%';

    let blocks = 'block ' + num(pos) + ' of ' + num(len) + ' · ' + num(k.blocks_left) + ' blocks left';
    if (k.seconds_left_estimate > 0) blocks += ' · ≈ ' + dur(k.seconds_left_estimate) + ' left';
    $('round-blocks').textContent = blocks;

    const [text, cls] = rewardLine(k);
    const line = $('round-reward');
    line.textContent = text;
    line.className = 'reward-line ' + cls;

    let called = null;
    if (k.rewarded_by) {
      const tx = k.rewarded_by === 'lpops' ? (k.txs || []).find((t) => t.kind === 'reward' && t.state === 'mined') : null;
      called = calledBy(k.rewarded_by, tx && tx.method, k.reward_block || (tx && tx.block), k.reward_seen_at);
    }
    let last = '—';
    if (k.last_reward) {
      const lr = k.last_reward;
      last = 'round ' + lr.round + (lr.by ? ' by ' + calledBy(lr.by, '', lr.block, lr.seen_at) : '') +
        (lr.amount ? ' · +' + lpt(lr.amount) + ' LPT' : '');
    } else if (k.last_reward_round) {
      last = 'round ' + k.last_reward_round;
    }
    facts($('round-facts'), [
      ['Called by', called],
      ['Reward tx', k.reward_tx && !masked(k.reward_tx) ? addr(k.reward_tx) : null],
      ['Last reward', last],
      ['Keeper', (k.state || '—').replace(/_/g, ' ') + (k.reason ? ': ' + k.reason : '')],
      ['Grace ends', 'block ' + num(k.grace_end_block)],
      ['Chain read', ago(k.last_read)],
    ]);
  }

  function describe(r) {
    const o = OUTCOMES[r.outcome || ''] || OUTCOMES.unknown;
    let s = 'Round ' + r.round + ': ' + o.label.toLowerCase();
    if (r.reward_amount) s += ' · +' + lpt(r.reward_amount, 4) + ' LPT';
    if (r.reward_tx && !masked(r.reward_tx)) s += ' · tx ' + short(r.reward_tx);
    if (!r.outcome && r.state) s += ' · ' + r.state.replace(/_/g, ' ');
    if ((r.outcome === 'missed' || r.outcome === 'unknown') && r.reason) s += ' · ' + r.reason;
    return s;
  }

  function renderChart() {
    const box = $('chart');
    const recs = (ui.rounds || []).slice();
    drawnWidth = box.clientWidth;
    const width = Math.max(box.clientWidth || 600, 240);
    const maxBars = Math.max(6, Math.floor(width / 14));
    const list = recs.slice(0, Math.min(ROUNDS, maxBars)).reverse();
    $('history-h').textContent = list.length ? 'Last ' + list.length + ' rounds' : 'Rounds';
    if (!list.length) {
      box.replaceChildren(el('p', { class: 'empty' }, 'No rounds recorded yet: lpops records each round it sees.'));
      $('legend').replaceChildren();
      $('chart-detail').textContent = '';
      return;
    }
    const H = 190, top = 20, bottom = 24, left = 4, right = 4;
    const plot = H - top - bottom;
    const slot = (width - left - right) / list.length;
    const bw = Math.max(4, Math.min(slot * 0.72, 44));
    const maxAmt = Math.max(0, ...list.map((r) => lptFloat(r.reward_amount)));
    const s = svg('svg', { width: width, height: H, viewBox: '0 0 ' + width + ' ' + H, role: 'img', 'aria-label': 'rewards of the last rounds' });
    s.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: top + plot + 0.5, y2: top + plot + 0.5 }));
    if (maxAmt > 0) {
      s.append(svg('line', { class: 'axis', x1: 0, x2: width, y1: top + 0.5, y2: top + 0.5, 'stroke-dasharray': '3 3' }));
      s.append(svg('text', { x: left, y: top - 6 }, num(maxAmt, maxAmt < 100 ? 2 : 0) + ' LPT'));
    }
    const step = Math.max(1, Math.ceil(34 / slot));
    const detail = $('chart-detail');
    const select = (r, node) => {
      ui.selected = r.round;
      detail.textContent = describe(r);
      s.querySelectorAll('.bar.sel').forEach((b) => b.classList.remove('sel'));
      node.classList.add('sel');
    };
    let selectedNode = null, newest = null;
    list.forEach((r, i) => {
      const outcome = r.outcome || '';
      const o = OUTCOMES[outcome] || OUTCOMES.unknown;
      const amt = lptFloat(r.reward_amount);
      let h;
      switch (outcome) {
        case 'rewarded_by_node': case 'rewarded_by_lpops':
          h = maxAmt > 0 ? Math.max(6, plot * amt / maxAmt) : plot * 0.8; break;
        case 'missed': h = plot * 0.45; break;
        case 'unknown': h = plot * 0.25; break;
        case 'inactive': h = 5; break;
        default: h = plot * 0.3;
      }
      const x = left + i * slot + (slot - bw) / 2;
      const y = top + plot - h;
      const bar = svg('rect', {
        class: 'bar ' + o.cls, x: x.toFixed(1), y: y.toFixed(1), width: bw.toFixed(1), height: h.toFixed(1), rx: 2,
        tabindex: 0, 'data-round': r.round, 'data-outcome': outcome || 'current',
      });
      bar.append(svg('title', {}, describe(r)));
      bar.addEventListener('mouseenter', () => select(r, bar));
      bar.addEventListener('focus', () => select(r, bar));
      bar.addEventListener('click', () => select(r, bar));
      s.append(bar);
      const cx = x + bw / 2;
      if (outcome === 'missed') {
        s.append(svg('text', { class: 'amount', x: cx, y: y - 4, 'text-anchor': 'middle' }, '✕'));
      } else if (amt > 0 && slot >= 38) {
        s.append(svg('text', { class: 'amount', x: cx, y: y - 4, 'text-anchor': 'middle' }, num(amt, amt < 100 ? 2 : 0)));
      }
      if ((list.length - 1 - i) % step === 0) {
        s.append(svg('text', { x: cx, y: H - 7, 'text-anchor': 'middle' }, String(r.round)));
      }
      if (r.round === ui.selected) selectedNode = [r, bar];
      if (outcome && outcome !== 'unknown') newest = [r, bar];
    });
    box.replaceChildren(s);
    const pick = selectedNode || newest || [list[list.length - 1], s.querySelector('.bar:last-of-type')];
    if (pick[1]) select(pick[0], pick[1]);

    const counts = {};
    let earned = 0n;
    for (const r of list) {
      counts[r.outcome || ''] = (counts[r.outcome || ''] || 0) + 1;
      earned += bigint(r.reward_amount);
    }
    const items = ['rewarded_by_node', 'rewarded_by_lpops', 'missed', 'inactive', 'unknown', '']
      .filter((k) => counts[k] || k.startsWith('rewarded') || k === 'missed')
      .map((k) => el('li', null, el('span', { class: 'sw ' + OUTCOMES[k].cls }), OUTCOMES[k].label + ' ' + (counts[k] || 0)));
    items.push(el('li', { class: 'muted' }, 'earned ' + lpt(earned.toString()) + ' LPT'));
    $('legend').replaceChildren(...items);
  }

  function renderBalances(st) {
    const k = st.keeper;
    const list = $('balance-list');
    const bal = (k && k.balances_wei) || {};
    const acc = probe(st, 'accounts');
    const keys = Object.keys(bal).sort((a, b) => (roleOf(a, k) === 'orchestrator' ? -1 : 0) - (roleOf(b, k) === 'orchestrator' ? -1 : 0));
    if (!keys.length) {
      list.replaceChildren(el('p', { class: 'empty' }, 'No balances read yet.'));
      return;
    }
    const spb = secondsPerBlock(k);
    list.replaceChildren(...keys.map((a) => {
      const role = roleOf(a, k);
      let runway = '—';
      const rw = acc ? acc['runway_rounds_' + role] : undefined;
      if (rw !== undefined && rw !== null) {
        runway = '≈ ' + num(Math.floor(rw)) + ' rounds';
        if (spb > 0) runway += ' (~' + dur(rw * spb * k.round_length) + ')';
      }
      return el('div', { class: 'row', 'data-role': role },
        el('div', { class: 'line' },
          el('strong', { class: 'grow' }, role),
          el('span', { class: 'value' }, eth(bal[a]) + ' ETH')),
        el('div', { class: 'line muted small' },
          el('span', { class: 'grow' }, masked(a) ? '' : addr(a)),
          el('span', null, 'runway ' + runway)));
    }));
  }

  // renderTranscoders shows the remote transcoders (the transcoders probe,
  // present when node.transcoders is set): connected vs expected, their
  // capacity vs the minimum, and the node's sessions against it.
  function renderTranscoders(st) {
    const v = probe(st, 'transcoders');
    $('transcoders').hidden = !v;
    if (!v) return;
    const n = v.transcoders, want = v.transcoders_expected || 0;
    const cap = v.capacity, min = v.min_capacity || 0;
    const pills = [];
    if (n === undefined) pills.push(pill('node not answering', 'bad'));
    else if (v.local_transcoding === 1 && want > 0) pills.push(pill('node transcodes itself: no remote transcoders', 'bad'));
    else pills.push(pill(num(n) + (want ? ' of ' + num(want) : '') + ' connected', n < want ? 'warn' : 'ok'));
    if (cap !== undefined && min > 0) pills.push(pill('capacity ' + num(cap) + (cap < min ? ' below ' : ' ≥ ') + num(min), cap < min ? 'warn' : 'ok'));
    $('transcoder-pills').replaceChildren(...pills);
    const s = v.current_sessions;
    const used = cap > 0 && s !== undefined ? Math.min(1, s / cap) : 0;
    $('transcoder-fill').style.width = (used * 100).toFixed(1) + '%';
    $('transcoder-bar').setAttribute('aria-valuenow', String(Math.round(used * 100)));
    const ev = probeEvidence(st, 'transcoders');
    facts($('transcoder-facts'), [
      ['Sessions', s !== undefined && cap !== undefined ? num(s) + ' of ' + num(cap) + (cap > 0 ? ' (' + pct(s / cap * 100) + ')' : '') : '—'],
      ['Capacity', cap !== undefined ? num(cap) + ' sessions' + (min ? ' (minimum ' + num(min) + ')' : '') : '—'],
      ['Connected', ev.transcoders || null],
    ]);
  }

  function renderEndpoints(st) {
    const body = $('endpoint-table').tBodies[0];
    const eps = st.endpoints || [];
    if (!eps.length) {
      body.replaceChildren(el('tr', null, el('td', { colspan: 6, class: 'empty' }, 'No endpoint status yet.')));
      return;
    }
    const serverNow = Date.parse(st.time) || now();
    const rows = [];
    for (const e of eps) {
      let age = e.head_age_seconds;
      const seen = Date.parse(e.head && e.head.observed_at);
      if (isFinite(seen) && seen > 0) age += Math.max(0, (serverNow - seen) / 1000);
      const hasHead = e.head && e.head.number > 0;
      rows.push(el('tr', { 'data-endpoint': e.name, 'data-healthy': e.healthy ? 'true' : 'false' },
        el('td', { class: 'name' }, el('strong', null, e.name), e.active ? el('span', { class: 'muted small' }, ' · in use') : ''),
        el('td', null, e.healthy ? pill('healthy', 'ok') : pill('unhealthy', 'bad')),
        el('td', { 'data-label': 'head' }, hasHead ? '#' + num(e.head.number) : '—'),
        el('td', { 'data-label': 'age' }, hasHead ? dur(age) : '—'),
        el('td', { 'data-label': 'lag' }, num(e.lag_blocks) + ' blocks'),
        el('td', { 'data-label': 'errors', title: num(e.errors) + ' of ' + num(e.requests) + ' requests failed' }, pct((e.error_rate || 0) * 100))));
      const why = e.healthy ? '' : (e.reason || e.last_error || '');
      if (why) rows.push(el('tr', { class: 'err-row' }, el('td', { colspan: 6, class: 'err' }, why)));
    }
    body.replaceChildren(...rows);
  }

  // renderFleet lists every orchestrator of a fleet (status.keepers, more
  // than one); the rest of the page shows the first.
  function renderFleet(st) {
    const ks = st.keepers || [];
    $('fleet').hidden = ks.length < 2;
    if (ks.length < 2) return;
    const STATE = { done: 'ok', tx_pending: 'warn', sending: 'warn', retrying: 'warn', chain_unreadable: 'bad',
      insufficient_funds: 'bad', would_revert: 'bad', cannot_sign: 'bad', too_late: 'bad', unknown_in_flight: 'bad' };
    const rows = ks.map((k) => {
      let last = k.last_reward_round ? num(k.last_reward_round) : '—';
      if (k.rewarded_by && k.round > 0 && k.last_reward_round >= k.round) last += ' (' + k.rewarded_by + ')';
      const open = (k.txs || []).filter((t) => t.state === 'sent' || t.state === 'signed');
      const t = open[open.length - 1];
      return el('tr', { 'data-orchestrator': (k.orchestrator || '').toLowerCase(), 'data-state': k.state || '' },
        el('td', { class: 'name' }, addr(k.orchestrator)),
        el('td', { 'data-label': 'active' }, k.active ? pill('active', 'ok') : pill('not active')),
        el('td', { 'data-label': 'round' }, k.round ? num(k.round) : '—'),
        el('td', { 'data-label': 'last reward' }, last),
        el('td', { 'data-label': 'state', title: k.reason || '' }, pill(k.state || '—', STATE[k.state] || '')),
        el('td', { 'data-label': 'in flight' }, t ? el('span', null, (t.method || t.kind || '') + ' ', addr(t.hash), ' nonce ' + t.nonce) : '—'));
    });
    $('fleet-table').tBodies[0].replaceChildren(...rows);
  }

  const SEVERITY = { critical: 0, warning: 1, info: 2 };

  function renderAlerts(res) {
    const list = $('alert-list');
    const sil = $('silence-list');
    $('silences-h').hidden = true;
    sil.replaceChildren();
    if (res.missing) {
      list.replaceChildren(el('p', { class: 'empty' }, 'Alerts are not enabled on this lpops.'));
      return 0;
    }
    if (res.error) {
      list.replaceChildren(el('p', { class: 'empty' }, 'Could not read the alerts: ' + res.error));
      return 0;
    }
    const doc = res.data || {};
    const firing = (doc.alerts || []).filter((a) => a.status === 'firing')
      .sort((a, b) => (SEVERITY[a.severity] ?? 3) - (SEVERITY[b.severity] ?? 3) || Date.parse(a.starts_at) - Date.parse(b.starts_at));
    const rows = firing.map((a) => el('div', { class: 'row', 'data-alert': a.alertname },
      el('div', { class: 'line' },
        pill(a.severity, a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''),
        el('strong', { class: 'grow' }, a.alertname),
        a.silenced_by ? pill('silenced', '') : '',
        a.inhibited_by ? pill('inhibited by ' + a.inhibited_by, '') : '',
        el('span', { class: 'muted small' }, 'since ' + ago(a.starts_at))),
      a.summary ? el('div', { class: 'line small' }, el('span', { class: 'grow' }, a.summary)) : ''));
    for (const c of doc.channels || []) {
      if (c.failing_since) {
        rows.push(el('div', { class: 'row' },
          el('div', { class: 'line' }, pill('channel', 'warn'), el('strong', { class: 'grow' }, c.name),
            el('span', { class: 'muted small' }, 'since ' + ago(c.failing_since))),
          el('div', { class: 'line small' }, el('span', { class: 'grow' },
            'cannot deliver notifications' + (c.pending ? ' (' + c.pending + ' waiting)' : '')))));
      }
    }
    if (!rows.length) rows.push(el('p', { class: 'ok-text' }, '✓ No alerts firing'));
    list.replaceChildren(...rows);

    const active = (doc.silences || []).filter((x) => Date.parse(x.until) > now());
    if (active.length) {
      $('silences-h').hidden = false;
      sil.replaceChildren(...active.map((x) => el('div', { class: 'row' },
        el('div', { class: 'line' },
          el('span', { class: 'grow mono' }, (x.matchers || []).map((m) => m.name + '=' + m.value).join(', ') || 'all'),
          el('span', { class: 'muted small' }, 'until ' + when(x.until))),
        x.comment ? el('div', { class: 'line small' }, '“' + x.comment + '”' + (x.created_by ? ' — ' + x.created_by : '')) : '')));
    }
    return firing.length;
  }

  function pickField(o, names) {
    for (const n of names) if (o && o[n] !== undefined && o[n] !== null && o[n] !== '') return o[n];
    return '';
  }

  function renderActions(res) {
    const sec = $('actions');
    if (res.missing || res.error) {
      sec.hidden = true;
      return;
    }
    sec.hidden = false;
    const d = res.data;
    const items = Array.isArray(d) ? d : (d && (d.actions || d.items)) || [];
    const list = $('action-list');
    if (!items.length) {
      list.replaceChildren(el('p', { class: 'empty' }, 'No remediation actions yet.'));
      return;
    }
    list.replaceChildren(...items.map((a) => {
      const t = pickField(a, ['started_at', 'at', 'time', 'ended_at']);
      const result = String(pickField(a, ['outcome', 'result', 'status', 'state']));
      const cls = /^(ok|done|success|succeeded)$/i.test(result) ? 'ok'
        : /fail|error|interrupted/i.test(result) ? 'bad' : /dry|not_run|pending|running/i.test(result) ? 'warn' : '';
      const what = String(pickField(a, ['action', 'name', 'type', 'kind']) || 'action').replace(/_/g, ' ');
      const book = a && a.runbook && a.runbook !== what ? a.runbook + ': ' : '';
      let detail = String(pickField(a, ['detail', 'reason', 'summary']));
      if (a && a.error) detail += (detail ? ' — ' : '') + a.error;
      return el('div', { class: 'row', 'data-action': what },
        el('div', { class: 'line' },
          el('strong', { class: 'grow' }, book + what),
          a && a.dry_run && result !== 'dry_run' ? pill('dry run', 'warn') : '',
          result ? pill(result.replace(/_/g, ' '), cls) : '',
          el('span', { class: 'muted small' }, t ? when(t) : '')),
        detail ? el('div', { class: 'line small' }, detail) : '',
        a && a.output ? el('pre', { class: 'output small' }, a.output) : '');
    }));
  }

  // ---- loop --------------------------------------------------------------

  async function fetchDoc(path) {
    const r = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (r.status === 404) return { missing: true, headers: r.headers };
    if (!r.ok) {
      let msg = r.status + ' ' + r.statusText;
      try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return { data: await r.json(), headers: r.headers };
  }

  function soft(p) { return p.catch((e) => ({ error: e.message })); }

  function safely(name, f) {
    try { return f(); } catch (e) { console.error('render ' + name, e); return undefined; }
  }

  async function refresh() {
    if (ui.busy) return;
    ui.busy = true;
    clearTimeout(ui.timer);
    try {
      let st;
      try {
        const res = await fetchDoc('ui/status.json');
        if (res.missing) throw new Error('status document not found');
        st = res.data;
        ui.pub = res.headers.get('Lpops-View') === 'public';
      } catch (e) {
        renderBanner(null, e.message || String(e));
        $('updated').textContent = 'update failed ' + clock(Date.now());
        document.body.dataset.stale = 'true';
        return;
      }
      const t = Date.parse(st.time);
      ui.skew = isFinite(t) ? t - Date.now() : 0;
      const [rounds, alerts, actions] = await Promise.all([
        soft(fetchDoc('ui/rounds.json?limit=' + ROUNDS)),
        soft(fetchDoc('ui/alerts.json')),
        soft(fetchDoc('ui/actions.json')),
      ]);
      ui.status = st;
      if (rounds.data) ui.rounds = Array.isArray(rounds.data) ? rounds.data : [];
      $('view').hidden = !ui.pub;
      safely('banner', () => renderBanner(st, null));
      safely('orchestrator', () => renderOrchestrator(st));
      safely('round', () => renderRound(st));
      safely('fleet', () => renderFleet(st));
      safely('chart', renderChart);
      safely('balances', () => renderBalances(st));
      safely('transcoders', () => renderTranscoders(st));
      safely('endpoints', () => renderEndpoints(st));
      const firing = safely('alerts', () => renderAlerts(alerts)) || 0;
      safely('actions', () => renderActions(actions));
      const k = st.keeper;
      document.title = (firing ? '⚠ ' : '') + (k && k.round ? 'Round ' + k.round + ' · ' : '') + 'lpops';
      $('updated').textContent = 'updated ' + clock(Date.now());
      $('footer').textContent = 'lpops ' + (st.version || '') + ' · chain ' + st.chain_id + ' · refreshes every ' + REFRESH_MS / 1000 + ' s';
      ui.lastOK = Date.now();
      ui.refreshes++;
      document.body.dataset.loaded = 'true';
      document.body.dataset.stale = 'false';
      document.body.dataset.refreshes = String(ui.refreshes);
    } finally {
      ui.busy = false;
      ui.timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  // The chart is drawn at the width of its box, so that its text keeps its
  // size on a phone; it is redrawn whenever that width changes.
  let drawnWidth = 0;
  new ResizeObserver(() => {
    const w = $('chart').clientWidth;
    if (ui.status && Math.abs(w - drawnWidth) >= 1) safely('chart', renderChart);
  }).observe($('chart'));
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  refresh();
})();
