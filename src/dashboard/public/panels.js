// The parts of the page that are text, not charts: figures, tables, facts, the empty state.
import { EFFECTS } from './charts.js';
import { age, decimal, integer, percent, rate, signedUsd, time, usd } from './format.js';

/** Creates an element; text children become text nodes (never HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

/** The last day of the range in four figures, with the change against the day before. */
export function renderKpis(container, metrics, iso) {
  const days = metrics.days;
  const last = days.at(-1);
  const previous = days.at(-2);
  if (!last) {
    container.replaceChildren(el('p', { class: 'muted' }, 'No built day in this range.'));
    return;
  }
  const change = previous ? last.amountUsd - previous.amountUsd : null;
  const trend = change === null ? '' : change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const avg = last.accounts ? last.transactions / last.accounts : null;
  const tile = (label, value, detail, extra = {}) =>
    el('div', { class: 'kpi', ...extra }, el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-detail' }, detail));
  container.replaceChildren(
    tile(
      `USD turnover on ${last.day}`,
      usd(last.amountUsd),
      [
        change === null ? 'no previous day in the range' : `${signedUsd(change)} (${percent(previous.amountUsd ? change / previous.amountUsd : null)}) vs ${previous.day}`,
        last.currenciesWithoutRate.length ? ` · without ${last.currenciesWithoutRate.map(iso).join(', ')} (no USD rate)` : '',
      ].join(''),
      { 'data-trend': trend, 'data-kpi': 'turnover' },
    ),
    tile('Transactions', integer(last.transactions), previous ? `${integer(previous.transactions)} on ${previous.day}` : '', { 'data-kpi': 'transactions' }),
    tile('Active customer accounts', integer(last.accounts), 'distinct per currency, summed', { 'data-kpi': 'accounts' }),
    tile('Transactions per account', decimal(avg, 2), `${integer(last.transactions)} transactions ÷ ${integer(last.accounts)} accounts`, { 'data-kpi': 'average' }),
  );
}

const KIND_LABELS = { continuing: 'both days', entry: 'entered', exit: 'left', excluded: 'no rate: left out' };

/** Per-currency breakdown of the chosen day's waterfall (the rows sum to the totals line). */
export function renderDriversTable(table, driverDay, rows, iso) {
  const ofDay = rows.filter((r) => r.day === driverDay.day);
  const head = el('tr', {}, el('th', {}, 'Currency'), el('th', {}, 'Status'), el('th', { class: 'num' }, driverDay.previousDay), el('th', { class: 'num' }, driverDay.day), el('th', { class: 'num' }, 'Change'), ...EFFECTS.map(([, label]) => el('th', { class: 'num' }, label)));
  const line = (name, kind, w) =>
    el('tr', { class: kind === 'total' ? 'total' : '' },
      el('td', {}, name),
      el('td', {}, KIND_LABELS[kind] ?? ''),
      el('td', { class: 'num' }, usd(w.turnoverPrevUsd)),
      el('td', { class: 'num' }, usd(w.turnoverUsd)),
      el('td', { class: 'num' }, signedUsd(w.changeUsd)),
      ...EFFECTS.map(([key]) => el('td', { class: 'num' }, signedUsd(w.effects[key]))));
  table.replaceChildren(
    el('thead', {}, head),
    el('tbody', {}, ofDay.map((r) => line(iso(r.currency), r.kind, r))),
    el('tfoot', {}, line('Selected currencies', 'total', driverDay.selected)),
  );
}

function fact(label, value, detail, level, name) {
  return el('div', { class: `fact ${level}`, 'data-fact': name }, el('div', { class: 'fact-label' }, label), el('div', { class: 'fact-value' }, value), el('div', { class: 'fact-detail' }, detail));
}

const totalOf = (quality, metric) => quality.totals.filter((t) => t.metric === metric).reduce((sum, t) => sum + t.value, 0);

/** Freshness and quality facts, each green, amber, red or grey (unknown). */
export function renderFacts(container, freshness, quality, now = Date.now()) {
  const minutes = (iso) => (iso ? (now - Date.parse(iso)) / 60_000 : Infinity);
  const landing = freshness.landing;
  const kafka = freshness.kafka;
  const rejects = totalOf(quality, 'rejects');
  const stale = totalOf(quality, 'stale_rate_transactions');
  const missing = totalOf(quality, 'missing_rate_transactions');
  const conflicts = totalOf(quality, 'conflicts');
  const unknown = totalOf(quality, 'unknown_transaction_types');
  const late = totalOf(quality, 'late_arrivals');
  const facts = [
    landing.status === 'ok'
      ? fact('Last record landed', age(landing.lastLandedAt, now) || 'none yet', landing.lastLandedAt ? time(landing.lastLandedAt) : `nothing landed from ${landing.topic}`, landing.lastLandedAt ? 'ok' : 'warn', 'landed')
      : fact('Last record landed', 'unknown', landing.reason, 'unknown', 'landed'),
    kafka.status === 'ok'
      ? fact('Consumer lag', `${integer(kafka.lag)} message${kafka.lag === 1 ? '' : 's'}`, `in Kafka, not landed yet (${kafka.partitions.length} partitions, group ${kafka.group})`, kafka.lag === 0 ? 'ok' : kafka.lag < 100_000 ? 'warn' : 'bad', 'lag')
      : fact('Consumer lag', 'unknown', kafka.reason, 'unknown', 'lag'),
    landing.status === 'ok' && landing.backlogToStg !== null
      ? fact('Waiting for STG', `${integer(landing.backlogToStg)} record${landing.backlogToStg === 1 ? '' : 's'}`, freshness.stg.loadedAt ? `last STG load ${age(freshness.stg.loadedAt, now)}` : 'STG never loaded', landing.backlogToStg === 0 ? 'ok' : 'warn', 'stg')
      : fact('Last STG load', freshness.stg.loadedAt ? age(freshness.stg.loadedAt, now) : 'never', freshness.stg.loadedAt ? time(freshness.stg.loadedAt) : 'run turnover load-stg', freshness.stg.loadedAt ? 'ok' : 'warn', 'stg'),
    fact('Last mart build', freshness.marts.lastBuiltAt ? age(freshness.marts.lastBuiltAt, now) : 'never', freshness.marts.lastBuiltAt ? `${time(freshness.marts.lastBuiltAt)}, days through ${freshness.marts.lastBuiltDay}` : 'run turnover build-marts', !freshness.marts.lastBuiltAt ? 'bad' : minutes(freshness.marts.lastBuiltAt) > 26 * 60 ? 'warn' : 'ok', 'build'),
    fact('Rejected messages', integer(rejects), 'quarantined in stg.rejects (this range)', rejects === 0 ? 'ok' : 'warn', 'rejects'),
    fact('Stale / missing rates', `${integer(stale)} / ${integer(missing)}`, 'transactions converted at an earlier quote / not converted', missing > 0 ? 'bad' : stale > 0 ? 'warn' : 'ok', 'rates'),
    fact('Conflicts · unknown types · late', `${integer(conflicts)} · ${integer(unknown)} · ${integer(late)}`, 'redeliveries that differed · new transaction types · rows after the day was built', conflicts + unknown + late === 0 ? 'ok' : 'warn', 'other'),
  ];
  container.replaceChildren(...facts);
}

const METRIC_LABELS = {
  rejects: 'rejected messages',
  conflicts: 'conflicting redeliveries',
  stale_rate_transactions: 'transactions at a stale rate',
  missing_rate_transactions: 'transactions without a rate',
  unknown_transaction_types: 'unknown transaction types',
  test_account_transactions: 'test-account transactions (excluded)',
  late_arrivals: 'late arrivals',
  chargebacks: 'chargebacks',
  chargebacks_usd: 'chargebacks, USD',
};

const METRIC_ORDER = Object.keys(METRIC_LABELS);

/** Every data-quality metric of the range, summed per dimension, the problems first. */
export function renderQualityTable(table, quality, iso) {
  const rank = (metric) => (METRIC_ORDER.includes(metric) ? METRIC_ORDER.indexOf(metric) : METRIC_ORDER.length);
  const totals = [...quality.totals].sort((a, b) => rank(a.metric) - rank(b.metric));
  const dimension = (metric, value) => (/^\d{3}$/.test(value) && metric !== 'rejects' ? iso(Number(value)) : value);
  table.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, 'Metric'), el('th', {}, 'Of'), el('th', { class: 'num' }, 'Value'))),
    el('tbody', {}, totals.length
      ? totals.map((t) => el('tr', { 'data-metric': t.metric }, el('td', {}, METRIC_LABELS[t.metric] ?? t.metric), el('td', {}, dimension(t.metric, t.dimension)), el('td', { class: 'num' }, t.metric.endsWith('_usd') ? usd(t.value) : integer(t.value))))
      : el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'nothing to report in this range'))),
  );
}

/** Under the rates chart: which quotes were stale or missing. */
export function renderRatesNote(node, rates, iso) {
  const stale = rates.rows.filter((r) => r.status === 'stale');
  const missing = rates.rows.filter((r) => r.status === 'missing');
  const parts = [];
  if (stale.length) parts.push(`Stale (converted at an earlier quote, ▽): ${stale.map((r) => `${iso(r.currency)} on ${r.day} at ${rate(r.rate)} of ${r.rateDay}`).join('; ')}.`);
  if (missing.length) parts.push(`Missing (no quote within 7 days, not converted): ${missing.map((r) => `${iso(r.currency)} on ${r.day}`).join('; ')}.`);
  node.textContent = parts.length ? parts.join(' ') : 'Every rate is the day\'s own quote. USD is 1.';
  node.dataset.level = missing.length ? 'bad' : stale.length ? 'warn' : 'ok';
}

const STEPS = [
  ['npx turnover stack up', 'local Kafka + PostgreSQL (skip for your own servers)'],
  ['eval "$(npx turnover stack env)"', 'TURNOVER_* variables of the local stack'],
  ['npx turnover migrate', 'landing, STG and CDM schemas'],
  ['npx turnover ingest', 'Kafka → landing (feed the topic: turnover generate, or turnover replay FILE)'],
  ['npx turnover load-stg --until-caught-up', 'landing → STG'],
  ['npx turnover build-marts', 'STG → marts (the days loaded since the last build)'],
];

/** What to run when there is nothing to show, starting at the first step that is missing. */
export function renderEmpty(section, problem, overview) {
  let title = 'No data yet';
  let reason = 'The marts hold no rows yet. Run the pipeline once:';
  let first = 0;
  if (problem === 'not_migrated') {
    title = 'The warehouse has no turnover schema yet';
    reason = 'Create the schemas, then load and build:';
    first = 2;
  } else if (overview?.stg?.partitions > 0) {
    reason = `STG was loaded (${time(overview.stg.loadedAt)}) but no mart has been built. Build them:`;
    first = 5;
  }
  section.replaceChildren(
    el('h2', {}, title),
    el('p', {}, reason),
    el('ol', { class: 'steps' }, STEPS.slice(first).map(([command, why]) => el('li', {}, el('code', {}, command), el('span', { class: 'muted' }, ` — ${why}`)))),
    el('p', { class: 'muted' }, 'Or everything at once on the local stack: ', el('code', {}, 'npm start'), '. This page checks again every few seconds.'),
  );
}
