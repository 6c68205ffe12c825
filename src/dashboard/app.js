import { ApiError, clearToken, downloadFile, getJson, getToken, login, me } from './api.js';
import { COLORS, destroyChart, drawBarChart } from './charts.js';
import { formatDate, formatMonth, parseDate, parseMonth } from './dates.js';
import {
  formatCount,
  formatMonths,
  formatPercent,
  initialLanguage,
  language,
  setLanguage,
  t,
} from './i18n.js';
import {
  CANDIDATE_STATUSES,
  GENDER_LABELS,
  GRIEVANCE_CATEGORY_LABELS,
  PROGRAM_LABELS,
} from './vocabulary.js';

const $ = (selector) => document.querySelector(selector);

/** The pipeline's stages: every status but `withdrawn`, which leaves it (shown in the table only). */
const PIPELINE_STAGES = CANDIDATE_STATUSES.filter((s) => s !== 'withdrawn');

const state = {
  user: null,
  /** The signed-in officer's province (2025 unit), for the pipeline heading. */
  province: null,
  filters: { from: '', to: '', boundaries: '2025', program: '', gender: '' },
  /** The year of departure the recruitment-cost report is read for (last year by default). */
  recruitmentYear: new Date().getFullYear() - 1,
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
/** Programme and gender: the API filters them on departures, host prefectures and reintegration. */
const cohort = () => ({ program: state.filters.program, gender: state.filters.gender });
/** The query of a report by home province of a cohort: the share of Japan, reintegration. */
const provinceCohort = () => ({ ...rangeAndBoundaries(), ...cohort() });
const programLabel = (code) => PROGRAM_LABELS[language()]?.[code] ?? code;
const categoryLabel = (code) => GRIEVANCE_CATEGORY_LABELS[language()]?.[code] ?? code;
/** The sum of a column, or null (shown as hidden) when a cell of it was withheld. */
const sumOf = (rows, key) =>
  rows.some((r) => r[key] === null) ? null : rows.reduce((n, r) => n + r[key], 0);

/** Departures to Japan and elsewhere, stacked: the share report and the trend. */
const japanAndOther = (rows) => [
  { label: t('japan'), data: rows.map((r) => r.departedJapan), color: COLORS.japan },
  {
    label: t('otherDestinations'),
    data: rows.map((r) => minus(r.departedTotal, r.departedJapan)),
    color: COLORS.other,
  },
];
/** Japan, other destinations, all departures, share to Japan: the cells of a share row. */
const departureCells = (r) => [
  formatCount(r.departedJapan),
  formatCount(minus(r.departedTotal, r.departedJapan)),
  formatCount(r.departedTotal),
  formatPercent(r.japanShare),
];

/**
 * The view of a report by province with a ratio (`ratio`: the share of Japan, the reintegration
 * rate): a bar group a province, labelled with its ratio, and a table row a province with `cells`
 * (the columns `head`), the totals under them.
 */
function provinceView(report, ratio, { datasets, stacked, summary, head, cells }) {
  const rows = report.rows;
  return {
    chart: {
      labels: rows.map((r) => `${provinceLabel(r)} (${formatPercent(r[ratio])})`),
      stacked,
      datasets: datasets(rows),
      tooltipFooter: (i) => `${t(ratio)}: ${formatPercent(rows[i][ratio])}`,
      summary: rows.map(summary),
    },
    table: {
      head: [t('province'), ...head.map((key) => t(key))],
      rows: rows.map((r) => [provinceLabel(r), ...cells(r)]),
      foot: [t('total'), ...cells(report.totals)],
    },
    notes: provinceNotes(report),
  };
}

/** The years of the trend: those of the date range, else the last ten up to this one. */
function trendYears() {
  const thisYear = new Date().getFullYear();
  const first = state.filters.from ? Number(state.filters.from.slice(0, 4)) : thisYear - 9;
  const last = state.filters.to ? Number(state.filters.to.slice(0, 4)) : thisYear;
  const years = [];
  for (let y = Math.max(first, last - 29); y <= last; y++) years.push(y);
  return years;
}

/**
 * Each report: its card (`wide` across the grid, an introduction `introKey`, a template of its own
 * `controls` under it; download buttons when it has a `path`), and where its numbers come from
 * (`path` and `params`, or `load`) and how they become a chart and a table (`view`).
 */
const REPORTS = {
  trend: {
    wide: true,
    introKey: 'trendIntro',
    titleKey: 'trendTitle',
    captionKey: 'trendCaption',
    // One province-share total per year of departure (the API's own numbers, year by year).
    async load() {
      const years = trendYears();
      const answers = await Promise.all(
        years.map((y) =>
          getJson('/reports/province-share', {
            from: `${y}-01-01`,
            to: `${y}-12-31`,
            boundaries: state.filters.boundaries,
            ...cohort(),
          }),
        ),
      );
      const rows = years.map((year, i) => ({ year, ...answers[i].totals }));
      // Without a start date, the trend starts at the first year anyone departed.
      const first = rows.findIndex((r) => r.departedTotal !== 0);
      return { rows: state.filters.from || first < 0 ? rows : rows.slice(first) };
    },
    view(report) {
      const rows = report.rows;
      const total = (key) => sumOf(rows, key);
      return {
        chart: {
          labels: rows.map((r) => String(r.year)),
          stacked: true,
          datasets: japanAndOther(rows),
          summary: rows.map((r) =>
            t('chartAltTrend', {
              year: r.year,
              total: formatCount(r.departedTotal),
              japan: formatCount(r.departedJapan),
            }),
          ),
        },
        table: {
          head: [t('year'), t('japan'), t('otherDestinations'), t('departedTotal'), t('japanShare')],
          rows: rows.map((r) => [String(r.year), ...departureCells(r)]),
          foot: [
            t('total'),
            ...departureCells({
              departedJapan: total('departedJapan'),
              departedTotal: total('departedTotal'),
              japanShare: total('departedTotal') ? total('departedJapan') / total('departedTotal') : null,
            }),
          ],
        },
        notes: [rows.some((r) => r.suppressed) && t('suppressedNote')],
      };
    },
  },

  share: {
    wide: true,
    path: '/reports/province-share',
    params: provinceCohort,
    titleKey: 'shareTitle',
    captionKey: 'shareCaption',
    view: (report) =>
      provinceView(report, 'japanShare', {
        stacked: true,
        datasets: japanAndOther,
        summary: (r) =>
          t('chartAltShare', {
            province: provinceLabel(r),
            total: formatCount(r.departedTotal),
            japan: formatCount(r.departedJapan),
            share: formatPercent(r.japanShare),
          }),
        head: ['japan', 'otherDestinations', 'departedTotal', 'japanShare'],
        cells: departureCells,
      }),
  },

  prefectures: {
    path: '/reports/prefectures',
    params: () => ({ ...range(), ...cohort() }),
    titleKey: 'prefTitle',
    captionKey: 'prefCaption',
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
    captionKey: 'pipelineCaption',
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
    wide: true,
    path: '/reports/reintegration',
    params: provinceCohort,
    titleKey: 'reintTitle',
    captionKey: 'reintCaption',
    view: (report) =>
      provinceView(report, 'rate', {
        datasets: (rows) => [
          { label: t('returned'), data: rows.map((r) => r.returned), color: COLORS.returned },
          { label: t('reintegrated'), data: rows.map((r) => r.reintegrated), color: COLORS.reintegrated },
        ],
        summary: (r) =>
          t('chartAltReint', {
            province: provinceLabel(r),
            returned: formatCount(r.returned),
            reintegrated: formatCount(r.reintegrated),
            rate: formatPercent(r.rate),
          }),
        head: ['returned', 'reintegrated', 'rate'],
        cells: (r) => [formatCount(r.returned), formatCount(r.reintegrated), formatPercent(r.rate)],
      }),
  },

  recruitment: {
    wide: true,
    introKey: 'recruitmentIntro',
    controls: 'recruitment-controls',
    path: '/reports/recruitment-cost',
    params: () => ({ year: state.recruitmentYear, boundaries: state.filters.boundaries }),
    titleKey: 'recruitmentTitle',
    captionKey: 'recruitmentCaption',
    view(report) {
      const rows = report.rows;
      const label = (r) => `${r.provinceName} — ${programLabel(r.program)}`;
      return {
        chart: {
          labels: rows.map(label),
          datasets: [
            { label: t('medianMonths'), data: rows.map((r) => r.medianCostMonths), color: COLORS.median },
            { label: t('meanMonths'), data: rows.map((r) => r.meanCostMonths), color: COLORS.mean },
          ],
          decimals: true,
          summary: rows.map((r) =>
            t('chartAltRecruitment', {
              row: label(r),
              workers: formatCount(r.workers),
              median: formatMonths(r.medianCostMonths),
              overCap: formatCount(r.overCap),
            }),
          ),
        },
        table: {
          head: [
            t('province'),
            t('program'),
            t('workersWithFees'),
            t('medianMonths'),
            t('meanMonths'),
            t('overCap'),
          ],
          textColumns: [1],
          rows: rows.map((r) => [
            r.provinceName,
            programLabel(r.program),
            formatCount(r.workers),
            formatMonths(r.medianCostMonths),
            formatMonths(r.meanCostMonths),
            formatCount(r.overCap),
          ]),
          foot: [
            t('total'),
            '',
            formatCount(sumOf(rows, 'workers')),
            '',
            '',
            formatCount(sumOf(rows, 'overCap')),
          ],
        },
        notes: [t('recruitmentNote'), rows.some((r) => r.suppressed) && t('suppressedNote')],
        empty: t('noDataYear', { year: report.year }),
      };
    },
  },

  grievances: {
    wide: true,
    introKey: 'grievancesIntro',
    path: '/reports/grievances',
    params: rangeAndBoundaries,
    titleKey: 'grievancesTitle',
    captionKey: 'grievancesCaption',
    view(report) {
      const rows = report.rows;
      // The chart: one bar group per category, over all provinces.
      const categories = Object.keys(GRIEVANCE_CATEGORY_LABELS.en).filter((c) =>
        rows.some((r) => r.category === c),
      );
      const byCategory = (key) =>
        categories.map((c) =>
          sumOf(
            rows.filter((r) => r.category === c),
            key,
          ),
        );
      return {
        chart: {
          labels: categories.map(categoryLabel),
          datasets: [
            { label: t('received'), data: byCategory('grievances'), color: COLORS.received },
            { label: t('unresolved'), data: byCategory('unresolved'), color: COLORS.unresolved },
            { label: t('overdue'), data: byCategory('overdue'), color: COLORS.overdue },
          ],
          summary: categories.map((c, i) =>
            t('chartAltGrievances', {
              category: categoryLabel(c),
              received: formatCount(byCategory('grievances')[i]),
              unresolved: formatCount(byCategory('unresolved')[i]),
              overdue: formatCount(byCategory('overdue')[i]),
            }),
          ),
        },
        table: {
          head: [t('province'), t('category'), t('received'), t('unresolved'), t('overdue')],
          textColumns: [1],
          rows: rows.map((r) => [
            r.provinceName,
            categoryLabel(r.category),
            formatCount(r.grievances),
            formatCount(r.unresolved),
            formatCount(r.overdue),
          ]),
          foot: [
            t('total'),
            '',
            formatCount(sumOf(rows, 'grievances')),
            formatCount(sumOf(rows, 'unresolved')),
            formatCount(sumOf(rows, 'overdue')),
          ],
        },
        notes: [rows.some((r) => r.suppressed) && t('suppressedNote')],
      };
    },
  },
};

function range() {
  return { from: state.filters.from, to: state.filters.to };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** A report's card from the #report-card template, its parts named after the report's key. */
function buildCard(key, spec) {
  const section = $('#report-card').content.firstElementChild.cloneNode(true);
  section.id = key;
  section.classList.toggle('wide', spec.wide === true);
  section.setAttribute('aria-labelledby', `${key}-title`);
  section.querySelector('h2').id = `${key}-title`;
  const intro = section.querySelector('[data-intro]');
  if (spec.introKey) intro.dataset.i18n = spec.introKey;
  if (spec.controls) intro.after(document.getElementById(spec.controls).content.cloneNode(true));
  if (!spec.introKey) intro.remove();
  section.querySelector('canvas').id = `${key}-chart`;
  section.querySelector('table').id = `${key}-table`;
  section.querySelector('caption').id = `${key}-caption`;
  const downloads = section.querySelector('.downloads');
  if (spec.path) for (const button of downloads.children) button.dataset.report = key;
  else downloads.remove();
  return section;
}
$('#monthly').before(...Object.entries(REPORTS).map(([key, spec]) => buildCard(key, spec)));

/** Fills a table: the first cell of each row is its header; everything via textContent. */
function fillTable(table, { head, rows, foot, textColumns = [] }, empty = t('noData')) {
  const cell = (tag, text, scope) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (scope) el.scope = scope;
    return el;
  };
  const line = (cells, firstTag, otherTag, scope) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const el = i === 0 ? cell(firstTag, text, scope) : cell(otherTag, text);
      // Words (a programme, a category) read from the left like the first column; numbers align right.
      if (textColumns.includes(i)) el.className = 'text';
      tr.append(el);
    });
    return tr;
  };
  table.tHead.replaceChildren(line(head, 'th', 'th', 'col'));
  for (const th of table.tHead.querySelectorAll('th')) th.scope = 'col';
  table.tBodies[0].replaceChildren(...rows.map((r) => line(r, 'th', 'td', 'row')));
  if (!rows.length) {
    const td = cell('td', empty);
    td.colSpan = head.length;
    const tr = document.createElement('tr');
    tr.append(td);
    table.tBodies[0].replaceChildren(tr);
  }
  table.tFoot.replaceChildren(line(foot, 'th', 'td', 'row'));
}

/** The labels of a section's download buttons: "Tải CSV: <report>" for a screen reader. */
function labelDownloads(section, title) {
  for (const button of section.querySelectorAll('[data-download]')) {
    const format = button.dataset.download === 'xlsx' ? 'Xlsx' : 'Csv';
    button.textContent = t(`download${format}`);
    button.setAttribute('aria-label', t(`download${format}Of`, { report: title }));
  }
}

/** A table wider than its box (a phone) says so under it, and its box shows a shadow at the edge. */
function markOverflow(wrap) {
  const overflows = wrap.scrollWidth > wrap.clientWidth + 1;
  wrap.classList.toggle('overflows', overflows);
  const hint = wrap.nextElementSibling;
  if (hint?.classList.contains('scroll-hint')) hint.hidden = !overflows;
}
const overflowWatch = new ResizeObserver((entries) => {
  for (const entry of entries) markOverflow(entry.target);
});
for (const wrap of document.querySelectorAll('[data-scroll-hint]')) overflowWatch.observe(wrap);

function renderReport(key) {
  const section = document.getElementById(key);
  const spec = REPORTS[key];
  const report = state.data[key];
  const errorEl = section.querySelector('[data-error]');
  const title = key === 'pipeline' ? pipelineTitle() : t(spec.titleKey);
  section.querySelector('h2').textContent = title;
  document.getElementById(`${key}-caption`).textContent = t(spec.captionKey);
  labelDownloads(section, title);
  if (!report) return;
  if (report.error) {
    clearReport(key);
    errorEl.textContent = t('loadFailed', { detail: report.error });
    return;
  }
  errorEl.textContent = '';
  const view = spec.view(report);
  const summary = view.chart.summary.length ? view.chart.summary.join(' ') : t('chartAltEmpty');
  // No rows: no empty axes, the table says there is nothing.
  document.getElementById(`${key}-chart`).parentElement.hidden = view.chart.labels.length === 0;
  drawBarChart(document.getElementById(`${key}-chart`), {
    ...view.chart,
    altText: `${t('chartAlt', { summary })} ${t('seeTable')}`,
  });
  fillTable(document.getElementById(`${key}-table`), view.table, view.empty);
  markOverflow(section.querySelector('.table-wrap'));
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
  const results = await Promise.allSettled(
    keys.map((k) => (REPORTS[k].load ? REPORTS[k].load() : getJson(REPORTS[k].path, REPORTS[k].params()))),
  );
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
    $('#monthly-month').value = formatMonth(d.toISOString().slice(0, 7), language());
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

/**
 * Reads a date (or month) field: its ISO value, '' when empty, or null after showing the field's
 * error (next to it, and on the field for a screen reader).
 */
function readField(input, parse, example) {
  const errorEl = document.getElementById(`${input.id}-error`);
  const text = input.value.trim();
  const iso = text === '' ? '' : parse(text);
  const message = iso === null ? t('dateInvalid', { example }) : '';
  input.setAttribute('aria-invalid', String(iso === null));
  errorEl.textContent = message;
  return iso;
}

$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const example = formatDate('2025-07-01', language());
  const from = readField(form.elements.from, parseDate, example);
  const to = readField(form.elements.to, parseDate, example);
  if (from === null) return form.elements.from.focus();
  if (to === null) return form.elements.to.focus();
  if (from && to && to < from) {
    form.elements.to.setAttribute('aria-invalid', 'true');
    $('#to-error').textContent = t('toBeforeFrom');
    return form.elements.to.focus();
  }
  // What was typed, shown back in the page's form (2024-01-01 → 01/01/2024).
  if (from) form.elements.from.value = formatDate(from, language());
  if (to) form.elements.to.value = formatDate(to, language());
  state.filters = {
    from,
    to,
    boundaries: form.elements.boundaries.value,
    program: form.elements.program.value,
    gender: form.elements.gender.value,
  };
  loadReports();
});

// The boundary set, the programme and the gender change the whole picture: redraw at once.
for (const input of document.querySelectorAll('input[name="boundaries"], #program, #gender')) {
  input.addEventListener('change', () => $('#filters').requestSubmit());
}

/** The options of a select from a label table, an "all" option first; the choice is kept. */
function fillOptions(select, labels, allKey) {
  const value = select.value;
  const option = (code, text) => {
    const el = document.createElement('option');
    el.value = code;
    el.textContent = text;
    return el;
  };
  select.replaceChildren(
    ...(allKey ? [option('', t(allKey))] : []),
    ...Object.entries(labels).map(([code, text]) => option(code, text)),
  );
  select.value = value;
}

/** The language-dependent parts of the filters: option labels, date patterns, dates shown. */
function localiseFilters() {
  const lang = language();
  fillOptions($('#program'), PROGRAM_LABELS[lang], 'allPrograms');
  fillOptions($('#gender'), GENDER_LABELS[lang], 'allGenders');
  const thisYear = new Date().getFullYear();
  const years = {};
  for (let y = thisYear + 1; y >= thisYear - 10; y--) years[y] = t('yearOption', { year: y });
  const yearSelect = $('#recruitment-year');
  yearSelect.value = String(state.recruitmentYear);
  fillOptions(yearSelect, years);
  // Object keys of numbers come back ascending: newest first reads better.
  yearSelect.replaceChildren(...[...yearSelect.options].reverse());
  yearSelect.value = String(state.recruitmentYear);
  for (const input of document.querySelectorAll('input.date')) {
    input.placeholder = t('datePlaceholder');
    const iso = parseDate(input.value);
    if (iso) input.value = formatDate(iso, lang);
  }
  for (const input of document.querySelectorAll('input.month')) {
    input.placeholder = t('monthPlaceholder');
    const iso = parseMonth(input.value);
    if (iso) input.value = formatMonth(iso, lang);
  }
}

$('#recruitment-year').addEventListener('change', async (event) => {
  state.recruitmentYear = Number(event.currentTarget.value);
  await reloadOne('recruitment');
});

/** Reads one report again (its own filter changed), the others stay. */
async function reloadOne(key) {
  const spec = REPORTS[key];
  setStatus('loading');
  try {
    state.data[key] = await getJson(spec.path, spec.params());
    setStatus('updated');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut(t('sessionExpired'));
    state.data[key] = { error: err.message };
    setStatus('loadFailed', { detail: err.message });
  }
  renderReport(key);
}

$('#lang').addEventListener('change', (event) => {
  setLanguage(event.currentTarget.value);
  localiseFilters();
  if (state.user) {
    $('#who').textContent = t('signedInAs', { email: state.user.email, role: t(`role_${state.user.role}`) });
    renderAll();
    if (status) setStatus(status.key, status.params);
  }
});

for (const button of document.querySelectorAll('[data-download]')) {
  button.addEventListener('click', async () => {
    const key = button.dataset.report;
    const format = button.dataset.download;
    const report = REPORTS[key];
    button.disabled = true;
    try {
      await downloadFile(report.path, report.params(), `${key}.${format}`, { format, lang: language() });
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
  const month = readField($('#monthly-month'), parseMonth, formatMonth('2025-07', language()));
  if (!month) return $('#monthly-month').focus();
  $('#monthly-month').value = formatMonth(month, language());
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
localiseFilters();
for (const key of Object.keys(REPORTS)) renderReport(key);

if (getToken()) {
  me()
    .then((user) => {
      state.user = user;
      return showDashboard();
    })
    .catch(() => signOut());
}
