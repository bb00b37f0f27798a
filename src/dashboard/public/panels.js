// The parts of the page that are text, not charts: figures, tables, facts, the empty state.
import { EFFECTS } from './charts.js';
import { age, decimal, duration, integer, percent, rate, signedUsd, time, usd } from './format.js';

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

const hhmm = (iso) => `${iso.slice(11, 16)} UTC`;

const tile = (label, value, detail, extra = {}) =>
  el('div', { class: 'kpi', ...extra }, el('div', { class: 'kpi-label' }, label), el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-detail' }, detail));

const trendOf = (change) => (change === null ? '' : change > 0 ? 'up' : change < 0 ? 'down' : 'flat');

/** `+$1,234.56 (+3.4 %) vs 2026-12-06`, or why there is no change to show. */
function changeLine(current, previous, against) {
  if (previous === null) return 'no previous day in the range';
  const change = current - previous;
  return `${signedUsd(change)} (${percent(previous ? change / previous : null)}) vs ${against}`;
}

/**
 * The headline in four figures, like with like: by default the last complete
 * day of the range against the day before it (today is partial: the day is
 * not over, so it is never compared with a full day); with `compare` =
 * `today`, today so far against yesterday up to the same time of day.
 */
export function renderKpis(container, metrics, iso, { today, compare = 'complete', soFar = null } = {}) {
  const complete = metrics.days.filter((d) => d.day < today);
  const partial = metrics.days.find((d) => d.day === today) ?? null;
  if (compare === 'today' && soFar) {
    const now = soFar.today;
    const before = soFar.yesterday;
    const change = now.amountUsd - before.amountUsd;
    const without = [...new Set([...now.currenciesWithoutRate, ...before.currenciesWithoutRate])];
    container.replaceChildren(
      tile(
        `USD turnover today so far, ${now.day} until ${hhmm(now.until)} (partial day)`,
        usd(now.amountUsd),
        [changeLine(now.amountUsd, before.amountUsd, `${before.day} until ${hhmm(before.until)}`), without.length ? ` · without ${without.map(iso).join(', ')} (no USD rate)` : ''].join(''),
        { 'data-trend': trendOf(change), 'data-kpi': 'turnover', 'data-partial': 'true' },
      ),
      tile('Transactions so far', integer(now.transactions), `${integer(before.transactions)} on ${before.day} until ${hhmm(before.until)}`, { 'data-kpi': 'transactions' }),
      tile('Active customer accounts so far', integer(partial?.accounts ?? null), partial ? 'distinct per currency, summed (marts, last build)' : 'today is not built yet', { 'data-kpi': 'accounts' }),
      tile('Transactions per account so far', decimal(partial?.accounts ? partial.transactions / partial.accounts : null, 2), partial ? `${integer(partial.transactions)} transactions ÷ ${integer(partial.accounts)} accounts` : '', { 'data-kpi': 'average' }),
    );
    return;
  }
  const last = complete.at(-1);
  const previous = complete.at(-2) ?? null;
  if (!last) {
    container.replaceChildren(el('p', { class: 'muted' }, partial ? `No complete day in this range: ${partial.day} is not over (choose "today so far" to compare it with yesterday's same hours).` : 'No built day in this range.'));
    return;
  }
  const avg = last.accounts ? last.transactions / last.accounts : null;
  const partialNote = partial ? ` · ${partial.day} so far: ${usd(partial.amountUsd)} (partial day, not compared)` : '';
  container.replaceChildren(
    tile(
      `USD turnover on ${last.day}, the last complete day`,
      usd(last.amountUsd),
      [
        changeLine(last.amountUsd, previous?.amountUsd ?? null, previous?.day),
        last.currenciesWithoutRate.length ? ` · without ${last.currenciesWithoutRate.map(iso).join(', ')} (no USD rate)` : '',
        partialNote,
      ].join(''),
      { 'data-trend': trendOf(previous ? last.amountUsd - previous.amountUsd : null), 'data-kpi': 'turnover' },
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

/**
 * The freshness target the cards are judged by: SPEC §6, produce → visible,
 * p95 ≤ 5 s. Within it a stage is green; up to a minute amber (a restart, a
 * burst); beyond, red. Marts built once a day (an Airflow schedule) are amber
 * until 26 h, not red.
 */
export const FRESHNESS_TARGET_S = 5;
const STALL_S = 60;
const DAILY_S = 26 * 3600;

const seconds = (value) => (value === null ? 'unknown' : duration(value));
const levelOf = (s, amberUpTo = STALL_S) => (s === null ? 'warn' : s <= FRESHNESS_TARGET_S ? 'ok' : s <= amberUpTo ? 'warn' : 'bad');

/**
 * How far the landing is behind Kafka, in seconds: 0 when nothing waits;
 * else, per partition with records waiting, the age of its last landed
 * record's Kafka timestamp — the first waiting record was produced after it,
 * so it waits at most that long. Null when a waiting partition has nothing
 * landed to date it by.
 */
export function lagSeconds(kafka, landing, now) {
  const waiting = kafka.partitions.filter((p) => p.lag > 0);
  if (!waiting.length) return 0;
  const stamps = new Map((landing.status === 'ok' ? landing.partitions : []).map((p) => [p.partition, p.kafkaTimestamp]));
  let worst = 0;
  for (const p of waiting) {
    const stamp = stamps.get(p.partition);
    if (!stamp) return null;
    worst = Math.max(worst, (now - Date.parse(stamp)) / 1000);
  }
  return worst;
}

/** Freshness and quality facts, each green, amber, red or grey (unknown). */
export function renderFacts(container, freshness, quality, now = Date.now()) {
  const since = (iso) => (iso ? Math.max(0, (now - Date.parse(iso)) / 1000) : null);
  const landing = freshness.landing;
  const kafka = freshness.kafka;
  const rejects = totalOf(quality, 'rejects');
  const stale = totalOf(quality, 'stale_rate_transactions');
  const missing = totalOf(quality, 'missing_rate_transactions');
  const conflicts = totalOf(quality, 'conflicts');
  const unknown = totalOf(quality, 'unknown_transaction_types');
  const late = totalOf(quality, 'late_arrivals');
  const lag = kafka.status === 'ok' ? lagSeconds(kafka, landing, now) : null;
  const stgBehind = landing.status === 'ok' && landing.backlogToStg ? since(freshness.stg.loadedAt) : 0;
  const { lastBuiltAt } = freshness.marts;
  // the marts are current when STG has loaded nothing since their last build, however long ago that was
  const martsBehind = !lastBuiltAt ? null : freshness.stg.loadedAt && freshness.stg.loadedAt > lastBuiltAt ? since(lastBuiltAt) : 0;
  const facts = [
    landing.status === 'ok'
      ? fact('Last record landed', age(landing.lastLandedAt, now) || 'none yet', landing.lastLandedAt ? time(landing.lastLandedAt) : `nothing landed from ${landing.topic}`, 'info', 'landed')
      : fact('Last record landed', 'unknown', landing.reason, 'unknown', 'landed'),
    kafka.status === 'ok'
      ? fact(
          'Consumer lag',
          kafka.lag === 0 ? '0 s' : lag === null ? 'unknown' : lag < 1 ? '< 1 s' : `≤ ${seconds(lag)}`,
          `${integer(kafka.lag)} message${kafka.lag === 1 ? '' : 's'} in Kafka not landed yet (${kafka.partitions.length} partitions, group ${kafka.group}); target ≤ ${FRESHNESS_TARGET_S} s`,
          levelOf(lag),
          'lag',
        )
      : fact('Consumer lag', 'unknown', kafka.reason, 'unknown', 'lag'),
    landing.status === 'ok' && landing.backlogToStg !== null
      ? fact(
          'STG behind the landing',
          landing.backlogToStg === 0 ? '0 s' : seconds(stgBehind),
          `${integer(landing.backlogToStg)} record${landing.backlogToStg === 1 ? '' : 's'} waiting; ${freshness.stg.loadedAt ? `last STG load ${age(freshness.stg.loadedAt, now)}` : 'STG never loaded'}`,
          levelOf(stgBehind),
          'stg',
        )
      : fact('Last STG load', freshness.stg.loadedAt ? age(freshness.stg.loadedAt, now) : 'never', freshness.stg.loadedAt ? time(freshness.stg.loadedAt) : 'run turnover load-stg', freshness.stg.loadedAt ? 'ok' : 'warn', 'stg'),
    fact(
      'Marts behind STG',
      martsBehind === null ? 'never built' : martsBehind === 0 ? 'current' : seconds(martsBehind),
      lastBuiltAt ? `last build ${time(lastBuiltAt)}, days through ${freshness.marts.lastBuiltDay}` : 'run turnover build-marts',
      martsBehind === null ? 'bad' : levelOf(martsBehind, DAILY_S),
      'build',
    ),
    fact('Rejected messages', integer(rejects), 'quarantined in stg.rejects (this range)', rejects === 0 ? 'ok' : 'warn', 'rejects'),
    fact('Stale / missing rates', `${integer(stale)} / ${integer(missing)}`, 'transactions converted at an earlier quote / not converted', missing > 0 ? 'bad' : stale > 0 ? 'warn' : 'ok', 'rates'),
    fact('Conflicts · unknown types · late', `${integer(conflicts)} · ${integer(unknown)} · ${integer(late)}`, 'redeliveries that differed · new transaction types · sent after their day was over and built', conflicts + unknown + late === 0 ? 'ok' : 'warn', 'other'),
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
