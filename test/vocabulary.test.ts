import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DASHBOARD_VOCABULARY,
  dashboardVocabulary,
  renderDashboardVocabulary,
} from '../scripts/dashboard-vocabulary.ts';
import { CANDIDATE_STATUSES, JLPT_LEVELS } from '../src/lib/vocab.ts';
import { searchKey } from '../src/modules/candidates/candidates.schemas.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

let h: TestApp;
beforeAll(async () => {
  h = await createTestApp();
});
afterAll(() => h.close());

describe('one source per vocabulary', () => {
  it('the dashboard shows the statuses and labels of src/lib/vocab.ts and templates/vocabulary.json', async () => {
    // Stale after a change to either source until `npm run gen:dashboard-vocabulary` runs.
    expect(readFileSync(DASHBOARD_VOCABULARY, 'utf8')).toBe(renderDashboardVocabulary());
    const browser = (await import(pathToFileURL(DASHBOARD_VOCABULARY).href)) as {
      CANDIDATE_STATUSES: string[];
      STATUS_LABELS: Record<string, Record<string, string>>;
    };
    expect(browser.CANDIDATE_STATUSES).toEqual([...CANDIDATE_STATUSES]);
    expect(browser.STATUS_LABELS).toEqual(dashboardVocabulary().STATUS_LABELS);
    const { default: strings } = (await import(
      new URL('../src/dashboard/strings.js', import.meta.url).href
    )) as {
      default: Record<string, Record<string, string>>;
    };
    expect(strings.ja!.status_reintegrated).toBe('帰国後就職');
    expect(strings.vi!.status_withdrawn).toBe('Rút hồ sơ');
  });

  it('the database accepts every status and JLPT level of the vocabulary and nothing else', async () => {
    const center = await h.seed.center();
    for (const [i, status] of CANDIDATE_STATUSES.entries()) {
      const jlptLevel = JLPT_LEVELS[i % JLPT_LEVELS.length]!;
      const row = await h.seed.candidate({ trainingCenterId: center.id, status, jlptLevel });
      expect([row.status, row.jlptLevel]).toEqual([status, jlptLevel]);
    }
    await expect(h.seed.candidate({ trainingCenterId: center.id, status: 'lost' })).rejects.toThrow();
    await expect(h.seed.candidate({ trainingCenterId: center.id, jlptLevel: 'N6' })).rejects.toThrow();
  });

  it('the test seed stores the search key the service searches by, spaces collapsed', async () => {
    const center = await h.seed.center();
    const row = await h.seed.candidate({ trainingCenterId: center.id, fullName: '  Đỗ   Thị  Ánh ' });
    expect(row.nameSearch).toBe('do thi anh');
    expect(row.nameSearch).toBe(searchKey(row.fullName));
  });
});
