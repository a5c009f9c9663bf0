// The Homeostat dashboard: plain DOM code, no framework and no build step. Everything it shows comes
// from the API with the key the operator signed in with; every value is put in as text (never as
// HTML), so nothing a signal or an alert carries can run here. It polls every few seconds.

const REFRESH_MS = 3000;
const KEY = 'homeostat.key';
const started = performance.now();

let me = null;
let timer = null;
let openIssue = null;
let firstRender = true;
const shown = new Map(); // section id -> what it shows now, so unchanged data does not rebuild it (focus stays)

const $ = (id) => document.getElementById(id);

/** Builds an element; attributes set as properties or attributes, children as nodes or text. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(headers, rows, emptyText) {
  if (rows.length === 0) return el('p', { class: 'empty' }, emptyText);
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows));
}

function age(iso) {
  if (!iso) return '';
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** A bar's fill; its width set through the style object, which the Content-Security-Policy allows (a style attribute it does not). */
function bar(score) {
  const fill = el('span', { class: colour(score) });
  fill.style.width = `${Math.max(0, Math.min(100, score))}%`;
  return fill;
}

function until(iso) {
  if (!iso) return '—';
  const left = (Date.parse(iso) - Date.now()) / 1000;
  return left <= 0 ? 'now' : left < 3600 ? `in ${Math.ceil(left / 60)}m` : `in ${Math.floor(left / 3600)}h ${Math.floor((left % 3600) / 60)}m`;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '');
const percent = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 100)} %`);
const seconds = (value) => (value === null || value === undefined ? '—' : `${value.toFixed(1)} s`);
const colour = (score) => (score > 90 ? 'green' : score >= 70 ? 'yellow' : 'red');
const severity = (s) => el('span', { class: `badge sev-${s}` }, s);

function outcome(state) {
  const good = ['succeeded', 'run', 'approved', 'resolved', 'pass'];
  const bad = ['failed', 'blocked', 'rejected', 'escalated', 'interrupted', 'block', 'expired'];
  const kind = good.includes(state) ? 'ok' : bad.includes(state) ? 'fail' : 'neutral';
  return el('span', { class: `badge ${kind}` }, state);
}

/** Replaces a section's content only when what it shows changed. */
function show(id, data, render) {
  const signature = JSON.stringify(data);
  if (shown.get(id) === signature) return;
  shown.set(id, signature);
  $(id).replaceChildren(...[render(data)].flat());
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    cache: 'no-store',
  });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.message) || `${response.status} ${response.statusText}`);
  }
  return body;
}

// ---- sign-in ----

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    me = await api('/api/v1/me');
  } catch (error) {
    sessionStorage.removeItem(KEY);
    const message = error.status === 401 ? 'That key was not accepted (unknown, revoked or expired).'
      : error.status === 403 ? 'This key may only send signals; the dashboard needs a viewer, operator or admin key.'
        : `Sign-in failed: ${error.message}`;
    showSignIn(message);
    return;
  }
  $('sign-in').hidden = true;
  $('board').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `${me.name} · ${me.role}${me.tenant ? ` · tenant ${me.tenant}` : ' · all tenants'}`;
  $('main').focus();
  await refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

function showSignIn(message) {
  clearInterval(timer);
  me = null;
  shown.clear();
  $('board').hidden = true;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  $('live').textContent = '';
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  $('key').value = '';
  $('key').focus();
}

// ---- the board ----

async function refresh() {
  const calls = {
    health: api('/api/v1/health-score'),
    history: api('/api/v1/health-score/history?category=overall'),
    issues: api('/api/v1/issues?state=active&limit=100'),
    approvals: api('/api/v1/approvals?state=pending&limit=100'),
    held: api('/api/v1/deferred?limit=100'),
    remediations: api('/api/v1/remediations?limit=20'),
    rules: api('/api/v1/rules'),
    plugins: api('/api/v1/plugins'),
    statistics: api('/api/v1/statistics'),
    detail: openIssue ? api(`/api/v1/issues/${encodeURIComponent(openIssue)}`) : Promise.resolve(null),
  };
  const names = Object.keys(calls);
  const results = await Promise.allSettled(Object.values(calls));
  const data = {};
  const failed = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') data[names[i]] = result.value;
    else failed.push([names[i], result.reason]);
  });
  if (failed.some(([, error]) => error.status === 401)) {
    sessionStorage.removeItem(KEY);
    showSignIn('The key is no longer accepted (revoked or expired). Sign in again.');
    return;
  }
  if (data.health) renderHealth(data.health);
  if (data.history) renderTrend(data.history.points);
  if (data.issues) show('issue-list', data.issues.items, renderIssues);
  if (data.approvals) show('approval-list', [data.approvals.items, me.canAct], ([items]) => renderApprovals(items));
  if (data.held) show('held-list', data.held.items, renderHeld);
  if (data.remediations) show('remediation-list', data.remediations.items, renderRemediations);
  if (data.rules) show('rules-body', data.rules, renderRules);
  if (data.plugins) show('plugins-body', data.plugins, renderPlugins);
  if (data.statistics) renderStatistics(data.statistics);
  if (data.detail) show('detail-body', data.detail, renderDetail);

  const live = $('live');
  if (failed.length > 0) {
    live.textContent = `update failed at ${new Date().toLocaleTimeString()}: ${failed[0][1].message} (retrying)`;
    live.classList.add('stale');
  } else {
    live.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    live.classList.remove('stale');
  }
  if (firstRender) {
    firstRender = false;
    document.body.dataset.firstRenderMs = String(Math.round(performance.now() - started));
  }
}

function renderHealth(health) {
  const score = Math.round(health.overall);
  const value = $('gauge-value');
  value.setAttribute('class', `gauge-value ${colour(health.overall)}`);
  value.style.strokeDasharray = `${Math.max(0, Math.min(100, health.overall))} 100`;
  $('health-score').textContent = String(score);
  $('gauge-label').textContent = `Health score ${score} of 100 (${colour(health.overall)}), ${health.openIssues} open issues`;
  $('health').dataset.colour = colour(health.overall);
  show('categories', health.categories, (categories) => {
    const items = Object.entries(categories).map(([name, s]) => el('li', {},
      el('span', {}, name),
      el('span', { class: 'bar', role: 'img', 'aria-label': `${name} ${Math.round(s)} of 100` }, bar(s)),
      el('span', {}, String(Math.round(s)))));
    return items.length ? items : el('li', { class: 'empty' }, 'no categories yet');
  });
}

function renderTrend(points) {
  if (!points || points.length === 0) {
    $('trend-line').setAttribute('points', '');
    $('trend-text').textContent = 'No points recorded yet (one a minute).';
    return;
  }
  const from = Date.parse(points[0].at);
  const span = Math.max(1, Date.parse(points[points.length - 1].at) - from);
  const y = (score) => (58 - score * 0.56).toFixed(1);
  // One point is a level line until the next one, a minute later.
  const line = points.length === 1 ? [`0,${y(points[0].score)}`, `300,${y(points[0].score)}`]
    : points.map((p) => `${((Date.parse(p.at) - from) / span * 300).toFixed(1)},${y(p.score)}`);
  $('trend-line').setAttribute('points', line.join(' '));
  const scores = points.map((p) => p.score);
  $('trend-text').textContent = `${points.length} ${points.length === 1 ? 'point' : 'points'} since ${time(points[0].at)}: lowest ${Math.round(Math.min(...scores))}, `
    + `highest ${Math.round(Math.max(...scores))}, now ${Math.round(scores[scores.length - 1])}.`;
}

function renderIssues(issues) {
  return table(['Severity', 'Age', 'State', 'Resource', 'Type', 'Root cause', 'Summary', ''],
    issues.map((issue) => el('tr', { 'data-issue': issue.id },
      el('td', {}, severity(issue.severity)),
      el('td', { title: issue.openedAt }, age(issue.openedAt)),
      el('td', {}, outcome(issue.state)),
      el('td', {}, issue.resource),
      el('td', {}, issue.type),
      el('td', {}, issue.rootCause ? (issue.rootCauseChain || issue.rootCause) : '—'),
      el('td', {}, issue.summary || ''),
      el('td', {}, el('button', { type: 'button', onclick: () => openDetail(issue.id) }, 'Details')))),
    'No active issues.');
}

async function openDetail(id) {
  openIssue = id;
  shown.delete('detail-body');
  $('issue-detail').hidden = false;
  try {
    show('detail-body', await api(`/api/v1/issues/${encodeURIComponent(id)}`), renderDetail);
  } catch (error) {
    $('detail-body').replaceChildren(el('p', { class: 'error' }, error.message));
  }
  $('detail-title').focus();
}

function renderDetail(detail) {
  const issue = detail.issue;
  $('detail-title').textContent = `${issue.type} on ${issue.resource}`;
  $('detail-title').setAttribute('tabindex', '-1');
  return el('div', {},
    el('p', {}, severity(issue.severity), ' ', outcome(issue.state), ` opened ${age(issue.openedAt)} ago by ${issue.openedBy}; `
      + `${issue.evidenceCount} readings. ${issue.summary || ''}`),
    el('h3', {}, 'Decisions'),
    table(['Time', 'Action', 'Outcome', 'Reason', ''], detail.decisions.map((d) => el('tr', { 'data-decision': d.id },
      el('td', {}, time(d.decidedAt)), el('td', {}, d.actionId), el('td', {}, outcome(d.outcome)), el('td', {}, d.reason || ''),
      el('td', {}, el('button', { type: 'button', onclick: () => explain(d.id) }, 'Why?')))), 'No decision yet.'),
    el('h3', {}, 'Remediations'),
    table(['Started', 'Action', 'Result', 'Duration', 'Rollback', 'Message'], detail.remediations.map((r) => el('tr', {},
      el('td', {}, time(r.startedAt || r.createdAt)), el('td', {}, r.actionId), el('td', {}, outcome(r.state)),
      el('td', {}, r.durationMillis === null ? '—' : seconds(r.durationMillis / 1000)), el('td', {}, r.rollbackState || '—'),
      el('td', {}, r.message || ''))), 'Nothing ran for it.'));
}

async function explain(decisionId) {
  const dialog = $('explanation');
  let decision;
  try {
    decision = await api(`/api/v1/decisions/${encodeURIComponent(decisionId)}`);
  } catch (error) {
    $('explanation-body').replaceChildren(el('p', { class: 'error' }, error.message));
    dialog.showModal();
    return;
  }
  $('explanation-title').textContent = decision.outcome === 'run' ? `Why ${decision.actionId} ran` : `Why ${decision.actionId} did not run`;
  $('explanation-body').replaceChildren(
    el('p', {}, outcome(decision.outcome), ` ${decision.actionId} on ${decision.resource} at ${time(decision.decidedAt)}`
      + (decision.reason ? `: ${decision.reason}` : '')),
    table(['Gate', 'Verdict', 'Rule', 'What it said', 'Figures'], decision.explanation.map((entry) => el('tr', { 'data-gate': entry.gate || '' },
      el('td', {}, entry.gate || '—'), el('td', {}, outcome(entry.verdict)), el('td', {}, entry.rule),
      el('td', {}, entry.message || ''),
      el('td', { class: 'figures' }, Object.entries(entry.figures || {}).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`)
        .join('  ')))), 'No explanation recorded.'));
  dialog.showModal();
  $('close-explanation').focus();
}

function renderApprovals(approvals) {
  const rows = approvals.map((a) => {
    const reason = el('input', { type: 'text', 'aria-label': `Reason for ${a.actionId} on ${a.resource}`, placeholder: 'reason (required)' });
    const answer = (approve) => async () => {
      const message = $('approval-message');
      message.textContent = '';
      if (!reason.value.trim()) {
        message.textContent = 'Say why: a reason is required and is kept in the audit trail.';
        reason.focus();
        return;
      }
      try {
        await api(`/api/v1/approvals/${encodeURIComponent(a.id)}/${approve ? 'approve' : 'reject'}`,
          { method: 'POST', body: JSON.stringify({ reason: reason.value.trim() }) });
        message.textContent = '';
        shown.delete('approval-list');
        await refresh();
      } catch (error) {
        message.textContent = `Refused: ${error.message}`;
      }
    };
    const disabled = !me.canAct;
    const why = disabled ? `your key's role (${me.role}) can see approvals but not answer them` : null;
    return el('tr', { 'data-approval': a.id },
      el('td', {}, a.resource), el('td', {}, a.actionId), el('td', {}, severity(a.risk)),
      el('td', { title: a.requestedAt }, age(a.requestedAt)), el('td', { title: a.expiresAt }, until(a.expiresAt)),
      el('td', {}, reason),
      el('td', {},
        el('button', { type: 'button', class: 'primary', disabled, title: why, onclick: answer(true) }, 'Approve'), ' ',
        el('button', { type: 'button', class: 'danger', disabled, title: why, onclick: answer(false) }, 'Reject')));
  });
  const note = me.canAct ? null : el('p', { class: 'hint' }, `Signed in as ${me.role}: you see what waits, an operator key answers it.`);
  return el('div', {}, note, table(['Resource', 'Action', 'Risk', 'Waiting', 'Expires', 'Reason', ''], rows, 'Nothing awaits approval.'));
}

function renderHeld(held) {
  return table(['Resource', 'Issue', 'Action', 'Held by gate', 'Why', 'Since', 'Tried again every', 'Escalated at'],
    held.map((h) => el('tr', { 'data-held': h.proposalId },
      el('td', {}, h.resource), el('td', {}, severity(h.severity), ' ', h.issueType), el('td', {}, h.actionId),
      el('td', {}, h.gate || '—'), el('td', {}, h.reason || ''),
      el('td', { title: h.deferredSince }, age(h.deferredSince)), el('td', {}, `${h.retryEverySeconds} s`),
      el('td', {}, time(h.givenUpAt)))),
    'No limit is holding anything back.');
}

function renderRemediations(remediations) {
  return table(['Started', 'Resource', 'Action (strategy)', 'Outcome', 'Duration', 'Attempts', 'Rollback', 'Message'],
    remediations.map((r) => el('tr', { 'data-remediation': r.id },
      el('td', { title: r.startedAt || r.createdAt }, time(r.startedAt || r.createdAt)), el('td', {}, r.resource), el('td', {}, r.actionId),
      el('td', {}, outcome(r.state)), el('td', {}, r.durationMillis === null ? '—' : seconds(r.durationMillis / 1000)),
      el('td', {}, String(r.attempts)), el('td', {}, r.rollbackState ? `${r.rollbackState}${r.rollbackMessage ? `: ${r.rollbackMessage}` : ''}` : '—'),
      el('td', {}, r.message || ''))),
    'Nothing has run yet.');
}

function renderRules(rules) {
  const status = el('p', {}, `Version ${(rules.version || '').slice(0, 12)} · ${rules.ruleCount} rules in ${rules.files.length} files · `
    + `loaded ${time(rules.loadedAt)} (${rules.cause || ''})`);
  if (!rules.rejected) return el('div', {}, status, el('p', {}, outcome('pass'), ' the files on disk are what runs'));
  return el('div', {}, status, el('div', { class: 'degraded', id: 'rules-rejected' },
    el('p', {}, outcome('rejected'), ` an edit was rejected at ${time(rules.rejected.at)}; the version above keeps running.`),
    el('ul', {}, rules.rejected.problems.map((p) => el('li', {}, `${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`)))));
}

function renderPlugins(plugins) {
  return el('div', {},
    table(['Plugin', 'Version', 'State', 'Actions'], plugins.plugins.map((p) => el('tr', {},
      el('td', {}, p.id), el('td', {}, p.version), el('td', {}, outcome(p.enabled ? p.state : 'disabled')),
      el('td', {}, p.actions.map((a) => a.id).join(', ')))), 'No plugins loaded.'),
    plugins.rejected.length ? el('div', { class: 'degraded' }, el('p', {}, 'Rejected jars:'),
      el('ul', {}, plugins.rejected.map((r) => el('li', {}, r)))) : null);
}

function renderStatistics(statistics) {
  const t = statistics.totals;
  show('totals', t, () => [['Issues detected', t.issuesDetected], ['Remediations', t.remediations],
    ['Verified success rate', percent(t.successRate)], ['Mean time to recover', seconds(t.meanSecondsToRecover)],
    ['Escalations', t.escalations]].map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]).flat());
  show('per-action', statistics.actions.filter((a) => a.attempts > 0), (actions) => el('div', {}, el('h3', {}, 'Success rate per action'),
    table(['Issue type', 'Action', 'Attempts', 'Succeeded', 'Rate', 'MTTR'], actions.map((a) => el('tr', {},
      el('td', {}, a.issueType), el('td', {}, a.actionId), el('td', {}, String(a.attempts)), el('td', {}, String(a.successes)),
      el('td', {}, percent(a.attempts ? a.successes / a.attempts : null)), el('td', {}, seconds(a.meanSecondsToRecover)))),
    'No action has run yet.')));
  show('predictions', statistics.predictions, (predictions) => el('div', {}, el('h3', {}, 'Prediction accuracy'),
    table(['Kind', 'Scored', 'Came true', 'Prevented', 'Did not', 'Accuracy'], predictions.map((p) => el('tr', {},
      el('td', {}, p.kind), el('td', {}, String(p.scored)), el('td', {}, String(p.cameTrue)), el('td', {}, String(p.prevented)),
      el('td', {}, String(p.didNot)), el('td', {}, percent(p.accuracy)))), 'No prediction scored yet.')));
}

// ---- start ----

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('key').value.trim());
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    showSignIn('Signed out.');
  });
  $('close-explanation').addEventListener('click', () => $('explanation').close());
  $('close-detail').addEventListener('click', () => {
    openIssue = null;
    $('issue-detail').hidden = true;
  });
  const key = sessionStorage.getItem(KEY);
  if (key) signIn(key);
  else showSignIn();
});
