// The dashboard page: reads the API, draws the charts, keeps the URL as the state.
import * as echarts from '/vendor/echarts.esm.min.mjs';
import { ApiFailure, getJson } from './api-client.js';
import * as charts from './charts.js';
import { csvDatasets, downloadCsv } from './csv.js';
import { addDays, age, time } from './format.js';
import { el, renderDriversTable, renderEmpty, renderFacts, renderKpis, renderQualityTable, renderRatesNote } from './panels.js';
import { markPartialDays, presetRange } from './partial-days.js';

const $ = (id) => document.getElementById(id);
const CHART_NAMES = ['turnover', 'transactions', 'accounts', 'average', 'waterfall', 'effects', 'mix', 'rates', 'rejects'];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** While the warehouse is down or empty, ask again this often. */
const RETRY_SECONDS = 5;
const MAX_RANGE_DAYS = 366;

const instances = {};
const page = {
  overview: null,
  range: null,
  /** Codes of the selected currencies; null = every currency. */
  currencies: null,
  day: null,
  refresh: null,
  /** Without a range in the URL the page follows the latest data as it arrives. */
  followLatest: true,
  /** The headline: `complete` (the last complete day vs the one before) or `today` (so far vs the same hours yesterday). */
  compare: 'complete',
  /** The API answers drawn last, for the CSV downloads. */
  drawn: null,
  generation: 0,
  timer: null,
  loading: false,
  again: false,
  lastOk: null,
};
// for people debugging in the console and for the browser tests
window.turnoverDashboard = { charts: instances, page };

/** A real calendar day, as the API wants it. */
const isDay = (text) => ISO_DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

const iso = (code) => page.overview?.currencies.find((c) => c.code === code)?.iso ?? String(code);

function readUrl() {
  const q = new URLSearchParams(location.search);
  const from = q.get('from');
  const to = q.get('to');
  if (from && to && isDay(from) && isDay(to) && from <= to) {
    page.range = { from, to };
    page.followLatest = false;
  }
  if (q.get('currencies')) page.currencies = q.get('currencies').split(',').map((t) => t.trim().toUpperCase());
  if (isDay(q.get('day') ?? '')) page.day = q.get('day');
  if (q.get('compare') === 'today') page.compare = 'today';
  const refresh = Number(q.get('refresh'));
  if (q.has('refresh') && Number.isInteger(refresh) && refresh >= 0) page.refresh = refresh === 0 ? 0 : Math.min(3600, Math.max(2, refresh));
}

function writeUrl() {
  const q = new URLSearchParams();
  if (!page.followLatest && page.range) {
    q.set('from', page.range.from);
    q.set('to', page.range.to);
  }
  const codes = selectedCodes();
  if (codes) q.set('currencies', codes.map(iso).join(','));
  if (page.day) q.set('day', page.day);
  if (page.compare !== 'complete') q.set('compare', page.compare);
  if (page.refresh !== null && page.refresh !== page.overview?.refreshSeconds) q.set('refresh', String(page.refresh));
  history.replaceState(null, '', q.size ? `?${q}` : location.pathname);
}

/** Codes of the checked currencies, or null when every one is checked (no filter). */
function selectedCodes() {
  const boxes = [...document.querySelectorAll('#currencies input[type=checkbox]')];
  if (!boxes.length) return null;
  const checked = boxes.filter((b) => b.checked).map((b) => Number(b.value));
  return checked.length === boxes.length ? null : checked;
}

/** First answer of the overview: the currency chips and the range inputs. */
function setUpControls(overview) {
  const box = $('currencies');
  if (!box.querySelector('input')) {
    const wanted = page.currencies;
    box.append(...overview.currencies.map((c) => {
      const input = el('input', { type: 'checkbox', value: c.code, 'data-iso': c.iso });
      input.checked = !wanted || wanted.includes(c.iso) || wanted.includes(String(c.code));
      input.addEventListener('change', () => {
        if (!selectedCodes()?.length && selectedCodes() !== null) input.checked = true; // at least one
        changed();
      });
      return el('label', { class: 'chip', style: `--chip:${charts.colorOf(c.code)}`, title: c.country }, input, el('span', {}, c.iso));
    }));
    if (!box.querySelector('input:checked')) box.querySelectorAll('input').forEach((i) => (i.checked = true));
  }
  const refresh = page.refresh ?? overview.refreshSeconds;
  const select = $('refresh');
  if (![...select.options].some((o) => Number(o.value) === refresh)) select.append(el('option', { value: refresh }, `${refresh} s`));
  select.value = String(refresh);
  for (const id of ['from', 'to']) {
    $(id).min = overview.marts.firstDay ?? '';
    $(id).max = overview.marts.lastDay ?? '';
  }
}

function changed() {
  writeUrl();
  void refresh();
}

function bindControls() {
  const onRange = () => {
    let from = $('from').value.trim();
    let to = $('to').value.trim();
    if (!isDay(from) || !isDay(to)) return;
    if (from > to) [from, to] = [to, from];
    if (Date.parse(to) - Date.parse(from) > (MAX_RANGE_DAYS - 1) * 86_400_000) from = addDays(to, -(MAX_RANGE_DAYS - 1));
    page.range = { from, to };
    page.followLatest = false;
    changed();
  };
  $('from').addEventListener('change', onRange);
  $('to').addEventListener('change', onRange);
  $('refresh').addEventListener('change', () => {
    page.refresh = Number($('refresh').value);
    changed();
  });
  $('day').addEventListener('change', () => {
    page.day = $('day').value;
    changed();
  });
  $('latest').addEventListener('click', () => {
    page.followLatest = true;
    page.day = null;
    changed();
  });
  for (const button of document.querySelectorAll('[data-preset]')) {
    button.addEventListener('click', () => {
      const overview = page.overview;
      if (!overview?.defaultRange) return;
      page.range = presetRange(button.dataset.preset, overview.marts.firstDay, overview.defaultRange.to);
      page.followLatest = false;
      page.day = null;
      changed();
    });
  }
  $('compare').addEventListener('change', () => {
    page.compare = $('compare').value === 'today' ? 'today' : 'complete';
    changed();
  });
  for (const button of document.querySelectorAll('[data-csv]')) {
    button.addEventListener('click', () => {
      if (page.drawn) downloadCsv(button.dataset.csv, csvDatasets(page.drawn, iso));
    });
  }
  window.addEventListener('resize', () => Object.values(instances).forEach((c) => c.resize()));
}

function setState(state) {
  document.body.dataset.state = state;
  $('content').hidden = state === 'empty' || (state === 'error' && !page.lastOk);
  $('empty').hidden = state !== 'empty';
}

function showBanner(level, message) {
  const banner = $('banner');
  banner.hidden = false;
  banner.dataset.level = level;
  banner.replaceChildren(el('strong', {}, level === 'error' ? 'Cannot show current figures. ' : ''), message);
}

function hideBanner() {
  $('banner').hidden = true;
}

function draw(name, option) {
  // tooltips stay inside their chart, never cut off at the window's edge; the day not over yet is marked
  const marked = markPartialDays(option, page.overview.today);
  instances[name].setOption({ ...marked, tooltip: { ...marked.tooltip, confine: true } }, { notMerge: true });
}

function render({ metrics, drivers, mix, rates, quality, freshness, soFar }) {
  const range = metrics.range;
  const today = page.overview.today;
  $('from').value = range.from;
  $('to').value = range.to;
  const hasToday = range.from <= today && today <= range.to;
  $('compare').disabled = !hasToday;
  $('compare').value = hasToday ? page.compare : 'complete';
  renderKpis($('kpis'), metrics, iso, { today, compare: hasToday ? page.compare : 'complete', soFar });
  draw('turnover', charts.turnoverOption(metrics, range, iso));
  draw('transactions', charts.transactionsOption(metrics, range, iso));
  draw('accounts', charts.accountsOption(metrics, range, iso));
  draw('average', charts.averageOption(metrics, range, iso));

  const days = drivers.days.map((d) => d.day);
  if (!days.includes(page.day)) page.day = null;
  // by default the last complete day: a partial day's change is against a whole day
  const fallback = days.filter((d) => d < today).at(-1) ?? days.at(-1);
  const chosen = drivers.days.find((d) => d.day === (page.day ?? fallback));
  $('day').replaceChildren(...[...days].reverse().map((d) => el('option', { value: d }, d >= today ? `${d} (so far)` : d)));
  $('day').disabled = !chosen;
  if (chosen) {
    $('day').value = chosen.day;
    draw('waterfall', charts.waterfallOption(chosen, drivers.rows, iso));
    renderDriversTable($('drivers-table'), chosen, drivers.rows, iso);
    const excluded = chosen.excluded.length ? ` Left out (no USD rate on one of the two days): ${chosen.excluded.map(iso).join(', ')}.` : '';
    const partial = chosen.day >= today ? ` ${chosen.day} is not over: its figures are so far, against the whole of ${chosen.previousDay}.` : '';
    $('drivers-note').textContent = `From the USD turnover of ${chosen.previousDay} to that of ${chosen.day}, for the selected currencies: the change split into more or fewer customer accounts, transactions per account, average ticket in local currency, exchange rates, and currencies that entered or left (additive LMDI, exact to the cent).${excluded}${partial}`;
    $('drivers-note').dataset.partial = String(chosen.day >= today);
  } else {
    instances.waterfall.clear();
    $('drivers-table').replaceChildren();
    $('drivers-note').textContent = 'No day in this range has a day-over-day split yet: the drivers of a day need the day before it built (turnover build-marts).';
  }
  draw('effects', charts.effectsByDayOption(drivers, range));
  draw('mix', charts.mixOption(mix, iso));
  draw('rates', charts.ratesOption(rates, range, iso));
  renderRatesNote($('rates-note'), rates, iso);
  draw('rejects', charts.rejectsOption(quality, range));
  renderQualityTable($('quality-table'), quality, iso);
  $('quality-count').textContent = `${quality.totals.length} metric${quality.totals.length === 1 ? '' : 's'}`;
  renderFacts($('facts'), freshness, quality, Date.parse(freshness.checkedAt));
  page.drawn = { metrics, drivers, chosenDay: chosen?.day ?? null, mix, rates, quality };

  const overview = page.overview;
  if (!metrics.rows.length && overview.marts.firstDay) {
    showBanner('info', `No counted transactions between ${range.from} and ${range.to} for these currencies; the marts hold ${overview.marts.firstDay} to ${overview.marts.lastDay}. `);
    $('banner').append(el('button', { type: 'button', id: 'show-all' }, 'Show the latest days'));
    $('show-all').addEventListener('click', () => {
      page.followLatest = true;
      changed();
    });
  } else {
    hideBanner();
  }
}

async function refresh() {
  // busy until the last change asked for is drawn (tests and people wait for this)
  document.body.dataset.busy = 'true';
  if (page.loading) {
    page.again = true;
    return;
  }
  page.loading = true;
  clearTimeout(page.timer);
  let ok = false;
  try {
    const overview = await getJson('/api/overview');
    page.overview = overview;
    setUpControls(overview);
    if (overview.status !== 'ok') {
      renderEmpty($('empty'), overview.status, overview);
      hideBanner();
      setState('empty');
      return;
    }
    if (page.followLatest || !page.range) page.range = overview.defaultRange;
    const codes = selectedCodes();
    const params = { ...page.range, currencies: codes ? codes.join(',') : undefined };
    const withToday = page.compare === 'today' && page.range.from <= overview.today && overview.today <= page.range.to;
    const [metrics, drivers, mix, rates, quality, freshness, soFar] = await Promise.all([
      getJson('/api/global-metrics', params),
      getJson('/api/drivers', params),
      getJson('/api/currency-mix', params),
      getJson('/api/rates', params),
      getJson('/api/data-quality', page.range),
      getJson('/api/freshness'),
      withToday ? getJson('/api/today-so-far', { currencies: params.currencies }) : null,
    ]);
    setState('ready');
    render({ metrics, drivers, mix, rates, quality, freshness, soFar });
    page.lastOk = new Date().toISOString();
    ok = true;
  } catch (error) {
    if (error instanceof ApiFailure && error.code === 'not_migrated') {
      // migrated away while the page was open
      renderEmpty($('empty'), 'not_migrated', page.overview);
      hideBanner();
      setState('empty');
      return;
    }
    const since = page.lastOk ? ` The figures below are from ${time(page.lastOk)} (${age(page.lastOk)}).` : '';
    const reason = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    showBanner('error', `${reason}.${since} Trying again every ${RETRY_SECONDS} s.`);
    setState('error');
  } finally {
    page.loading = false;
    page.generation += 1;
    document.body.dataset.generation = String(page.generation);
    schedule(ok);
    if (page.again) {
      page.again = false;
      void refresh();
    } else {
      delete document.body.dataset.busy;
    }
  }
}

function schedule(ok) {
  const every = page.refresh ?? page.overview?.refreshSeconds ?? 0;
  const state = document.body.dataset.state;
  const seconds = state === 'ready' ? every : every ? Math.min(every, RETRY_SECONDS) : RETRY_SECONDS;
  const updated = ok ? `Updated ${time(page.lastOk)}` : page.lastOk ? `Last update ${time(page.lastOk)}` : 'Not updated yet';
  $('status').textContent = `${updated} · auto-refresh ${every ? `every ${every} s` : 'off'}`;
  if (seconds > 0) page.timer = setTimeout(() => void refresh(), seconds * 1000);
}

for (const name of CHART_NAMES) instances[name] = echarts.init($(`chart-${name}`), null, { renderer: 'canvas' });
readUrl();
bindControls();
void refresh();
