import { ApiError, clearToken, downloadFile, getJson, getToken, login, me } from './api.js';
import { COLORS, destroyChart, drawBarChart } from './charts.js';
import { formatCount, formatPercent, initialLanguage, language, setLanguage, t } from './i18n.js';
import { CANDIDATE_STATUSES } from './vocabulary.js';

const $ = (selector) => document.querySelector(selector);

/** The pipeline's stages: every status but `withdrawn`, which leaves it (shown in the table only). */
const PIPELINE_STAGES = CANDIDATE_STATUSES.filter((s) => s !== 'withdrawn');

const state = {
  user: null,
  /** The signed-in officer's province (2025 unit), for the pipeline heading. */
  province: null,
  filters: { from: '', to: '', boundaries: '2025' },
  /** The last answer of each report, so a language switch redraws without asking again. */
  data: {},
};

// ---------------------------------------------------------------------------------------------
// The four reports: where each comes from, and how its rows become a chart and a table.

/** A province label, starred when its records cannot be split into 2008 provinces. */
const provinceLabel = (row) => (row.attributable === false ? `${row.provinceName} *` : row.provinceName);
const minus = (a, b) => (a === null || b === null ? null : a - b);

/** The note under a report whose small counts were withheld (partners), or false. */
const suppressedNote = (report) =>
  (report.totals.suppressed || report.rows.some((r) => r.suppressed)) && t('suppressedNote');
/** The notes under a province report: unsplittable merged provinces, withheld counts. */
const provinceNotes = (report) => [
  report.rows.some((r) => r.attributable === false) && t('notAttributable'),
  suppressedNote(report),
];
const rangeAndBoundaries = () => ({ ...range(), boundaries: state.filters.boundaries });

const REPORTS = {
  share: {
    path: '/reports/province-share',
    params: rangeAndBoundaries,
    titleKey: 'shareTitle',
    view(report) {
      const rows = report.rows;
      return {
        chart: {
          labels: rows.map((r) => `${provinceLabel(r)} (${formatPercent(r.japanShare)})`),
          stacked: true,
          datasets: [
            { label: t('japan'), data: rows.map((r) => r.departedJapan), color: COLORS.japan },
            {
              label: t('otherDestinations'),
              data: rows.map((r) => minus(r.departedTotal, r.departedJapan)),
              color: COLORS.other,
            },
          ],
          tooltipFooter: (i) => `${t('japanShare')}: ${formatPercent(rows[i].japanShare)}`,
          summary: rows.map((r) =>
            t('chartAltShare', {
              province: provinceLabel(r),
              total: formatCount(r.departedTotal),
              japan: formatCount(r.departedJapan),
              share: formatPercent(r.japanShare),
            }),
          ),
        },
        table: {
          head: [t('province'), t('japan'), t('otherDestinations'), t('departedTotal'), t('japanShare')],
          rows: rows.map((r) => [
            provinceLabel(r),
            formatCount(r.departedJapan),
            formatCount(minus(r.departedTotal, r.departedJapan)),
            formatCount(r.departedTotal),
            formatPercent(r.japanShare),
          ]),
          foot: [
            t('total'),
            formatCount(report.totals.departedJapan),
            formatCount(minus(report.totals.departedTotal, report.totals.departedJapan)),
            formatCount(report.totals.departedTotal),
            formatPercent(report.totals.japanShare),
          ],
        },
        notes: provinceNotes(report),
      };
    },
  },

  prefectures: {
    path: '/reports/prefectures',
    params: () => range(),
    titleKey: 'prefTitle',
    view(report) {
      const name = (r) => (language() === 'ja' ? r.prefectureNameJa : r.prefectureName);
      const rows = report.rows;
      return {
        chart: {
          labels: rows.map(name),
          datasets: [{ label: t('departed'), data: rows.map((r) => r.departed), color: COLORS.prefecture }],
          summary: rows.map((r) =>
            t('chartAltPref', { prefecture: name(r), count: formatCount(r.departed) }),
          ),
        },
        table: {
          head: [t('prefecture'), t('departed')],
          rows: rows.map((r) => [name(r), formatCount(r.departed)]),
          foot: [t('total'), formatCount(report.totals.departed)],
        },
        notes: [suppressedNote(report)],
      };
    },
  },

  pipeline: {
    path: '/reports/pipeline',
    // An officer sees their own province, a center its own trainees, others the whole programme.
    params: () => {
      const user = state.user;
      if (user?.role === 'province' && user.provinceCode) return { homeProvinceCode: user.provinceCode };
      if (user?.role === 'center' && user.trainingCenterId)
        return { trainingCenterId: user.trainingCenterId };
      return {};
    },
    titleKey: 'pipelineTitle',
    view(report) {
      const byStatus = new Map(report.rows.map((r) => [r.status, r]));
      const stages = PIPELINE_STAGES.filter((s) => byStatus.has(s)).map((s) => byStatus.get(s));
      const label = (r) => t(`status_${r.status}`);
      return {
        chart: {
          labels: stages.map(label),
          datasets: [
            { label: t('candidates'), data: stages.map((r) => r.candidates), color: COLORS.pipeline },
          ],
          summary: stages.map((r) =>
            t('chartAltPipeline', { stage: label(r), count: formatCount(r.candidates) }),
          ),
        },
        table: {
          head: [t('stage'), t('candidates')],
          // Every status the report gives, withdrawn too, so the total adds up.
          rows: report.rows.map((r) => [label(r), formatCount(r.candidates)]),
          foot: [t('total'), formatCount(report.totals.candidates)],
        },
        notes: [suppressedNote(report)],
      };
    },
  },

  reintegration: {
    path: '/reports/reintegration',
    params: rangeAndBoundaries,
    titleKey: 'reintTitle',
    view(report) {
      const rows = report.rows;
      return {
        chart: {
          labels: rows.map((r) => `${provinceLabel(r)} (${formatPercent(r.rate)})`),
          datasets: [
            { label: t('returned'), data: rows.map((r) => r.returned), color: COLORS.returned },
            { label: t('reintegrated'), data: rows.map((r) => r.reintegrated), color: COLORS.reintegrated },
          ],
          tooltipFooter: (i) => `${t('rate')}: ${formatPercent(rows[i].rate)}`,
          summary: rows.map((r) =>
            t('chartAltReint', {
              province: provinceLabel(r),
              returned: formatCount(r.returned),
              reintegrated: formatCount(r.reintegrated),
              rate: formatPercent(r.rate),
            }),
          ),
        },
        table: {
          head: [t('province'), t('returned'), t('reintegrated'), t('rate')],
          rows: rows.map((r) => [
            provinceLabel(r),
            formatCount(r.returned),
            formatCount(r.reintegrated),
            formatPercent(r.rate),
          ]),
          foot: [
            t('total'),
            formatCount(report.totals.returned),
            formatCount(report.totals.reintegrated),
            formatPercent(report.totals.rate),
          ],
        },
        notes: provinceNotes(report),
      };
    },
  },
};

function range() {
  return { from: state.filters.from, to: state.filters.to };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Fills a table: the first cell of each row is its header; everything via textContent. */
function fillTable(table, { head, rows, foot }) {
  const cell = (tag, text, scope) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (scope) el.scope = scope;
    return el;
  };
  const line = (cells, firstTag, otherTag, scope) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      tr.append(i === 0 ? cell(firstTag, text, scope) : cell(otherTag, text));
    });
    return tr;
  };
  table.tHead.replaceChildren(line(head, 'th', 'th', 'col'));
  for (const th of table.tHead.querySelectorAll('th')) th.scope = 'col';
  table.tBodies[0].replaceChildren(...rows.map((r) => line(r, 'th', 'td', 'row')));
  if (!rows.length) {
    const td = cell('td', t('noData'));
    td.colSpan = head.length;
    const tr = document.createElement('tr');
    tr.append(td);
    table.tBodies[0].replaceChildren(tr);
  }
  table.tFoot.replaceChildren(line(foot, 'th', 'td', 'row'));
}

function renderReport(key) {
  const section = document.getElementById(key);
  const report = state.data[key];
  const errorEl = section.querySelector('[data-error]');
  const csvButton = section.querySelector('[data-csv]');
  const title = key === 'pipeline' ? pipelineTitle() : t(REPORTS[key].titleKey);
  section.querySelector('h2').textContent = title;
  csvButton.textContent = t('downloadCsv');
  csvButton.setAttribute('aria-label', t('downloadCsvOf', { report: title }));
  if (!report) return;
  if (report.error) {
    clearReport(key);
    errorEl.textContent = t('loadFailed', { detail: report.error });
    return;
  }
  errorEl.textContent = '';
  const view = REPORTS[key].view(report);
  const summary = view.chart.summary.length ? view.chart.summary.join(' ') : t('chartAltEmpty');
  drawBarChart(document.getElementById(`${key}-chart`), {
    ...view.chart,
    altText: `${t('chartAlt', { summary })} ${t('seeTable')}`,
  });
  fillTable(document.getElementById(`${key}-table`), view.table);
  const notes = view.notes.filter(Boolean);
  const noteEl = section.querySelector('[data-note]');
  noteEl.textContent = notes.join(' ');
  noteEl.hidden = notes.length === 0;
}

/** No chart, no rows: nothing stale stays on screen after an error or a sign-out. */
function clearReport(key) {
  destroyChart(document.getElementById(`${key}-chart`));
  const table = document.getElementById(`${key}-table`);
  for (const part of [table.tHead, table.tBodies[0], table.tFoot]) part.replaceChildren();
  const section = document.getElementById(key);
  section.querySelector('[data-error]').textContent = '';
  section.querySelector('[data-note]').hidden = true;
}

function pipelineTitle() {
  return state.province
    ? t('pipelineTitleProvince', { province: state.province.nameVi })
    : t('pipelineTitle');
}

function renderAll() {
  for (const key of Object.keys(REPORTS)) renderReport(key);
}

/** The status line, kept as a key so that a language switch translates it too. */
let status = null;
function setStatus(key, params = {}) {
  status = key ? { key, params } : null;
  $('#status').textContent = status ? t(key, params) : '';
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Bumped by every load, so an older answer that arrives late never overwrites a newer one. */
let loadNumber = 0;

async function loadReports() {
  const mine = ++loadNumber;
  setStatus('loading');
  const keys = Object.keys(REPORTS);
  const results = await Promise.allSettled(keys.map((k) => getJson(REPORTS[k].path, REPORTS[k].params())));
  if (mine !== loadNumber || !state.user) return;
  if (
    results.some((r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status === 401)
  ) {
    return signOut(t('sessionExpired'));
  }
  keys.forEach((key, i) => {
    const result = results[i];
    state.data[key] =
      result.status === 'fulfilled'
        ? result.value
        : { error: result.reason?.message ?? String(result.reason) };
  });
  renderAll();
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) setStatus('loadFailed', { detail: failed.reason?.message ?? '' });
  else setStatus('updated');
}

async function showDashboard() {
  const user = state.user;
  $('#login').hidden = true;
  $('#dashboard').hidden = false;
  $('#sign-out').hidden = false;
  const who = $('#who');
  who.hidden = false;
  who.dataset.email = user.email;
  who.textContent = t('signedInAs', { email: user.email, role: t(`role_${user.role}`) });
  $('#monthly').hidden = user.role === 'partner';
  if (!$('#monthly-month').value) {
    // Last month: the list a department files at the start of a month.
    const d = new Date();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1);
    $('#monthly-month').value = d.toISOString().slice(0, 7);
  }
  state.province = null;
  if (user.provinceCode) {
    try {
      const { items } = await getJson('/provinces', { boundaries: '2025' });
      state.province = items.find((p) => p.code === user.provinceCode) ?? null;
    } catch {
      // the heading then just says "pipeline"
    }
  }
  $('#filters-title').focus();
  await loadReports();
}

function signOut(message = '') {
  clearToken();
  state.user = null;
  state.province = null;
  state.data = {};
  for (const key of Object.keys(REPORTS)) clearReport(key);
  setStatus(null);
  $('#dashboard').hidden = true;
  $('#sign-out').hidden = true;
  $('#who').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message;
  $('#password').value = '';
  $('#email').focus();
}

// ---------------------------------------------------------------------------------------------
// Events

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('#login-submit');
  const errorEl = $('#login-error');
  errorEl.textContent = '';
  button.disabled = true;
  button.textContent = t('signingIn');
  try {
    await login($('#email').value.trim(), $('#password').value);
    state.user = await me();
    $('#password').value = '';
    await showDashboard();
  } catch (err) {
    if (err instanceof ApiError) {
      errorEl.textContent = err.status === 429 ? t('loginRateLimited') : t('loginFailed');
    } else {
      errorEl.textContent = t('networkError');
    }
    $('#password').focus();
  } finally {
    button.disabled = false;
    button.textContent = t('signIn');
  }
});

$('#sign-out').addEventListener('click', () => signOut());

$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!form.reportValidity()) return;
  state.filters = {
    from: form.elements.from.value,
    to: form.elements.to.value,
    boundaries: form.elements.boundaries.value,
  };
  loadReports();
});

// The browser refuses an end date before the start date, before the server has to.
$('#from').addEventListener('change', (event) => {
  $('#to').min = event.currentTarget.value;
});

// The boundary set changes the whole picture: redraw at once, no extra click.
for (const radio of document.querySelectorAll('input[name="boundaries"]')) {
  radio.addEventListener('change', () => $('#filters').requestSubmit());
}

$('#lang').addEventListener('change', (event) => {
  setLanguage(event.currentTarget.value);
  if (state.user) {
    $('#who').textContent = t('signedInAs', { email: state.user.email, role: t(`role_${state.user.role}`) });
    renderAll();
    if (status) setStatus(status.key, status.params);
  }
});

for (const button of document.querySelectorAll('[data-csv]')) {
  button.addEventListener('click', async () => {
    const report = REPORTS[button.dataset.csv];
    button.disabled = true;
    try {
      await downloadFile(report.path, report.params(), `${button.dataset.csv}.csv`, { lang: language() });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return signOut(t('sessionExpired'));
      setStatus('downloadFailed', { detail: err.message });
    } finally {
      button.disabled = false;
    }
  });
}

// The monthly list of departed and returned workers (names people: not shown to partners).
$('#monthly-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('#monthly-download');
  const month = $('#monthly-month').value;
  if (!month) return;
  button.disabled = true;
  try {
    await downloadFile('/reports/monthly-workers', { month }, `monthly-workers_${month}.xlsx`, {
      format: 'xlsx',
      lang: language(),
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut(t('sessionExpired'));
    setStatus('downloadFailed', { detail: err.message });
  } finally {
    button.disabled = false;
  }
});

// ---------------------------------------------------------------------------------------------
// Start: the saved language, and the session of this tab if there is one.

const lang = initialLanguage();
$('#lang').value = lang;
setLanguage(lang);

if (getToken()) {
  me()
    .then((user) => {
      state.user = user;
      return showDashboard();
    })
    .catch(() => signOut());
}
