import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateStatusHistory, candidates } from '../../src/db/schema.ts';
import type { Actor } from '../../src/lib/actor.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/database.ts';
import { actors } from '../helpers/seed.ts';

/** Several writers on one candidate: one wins, the others get 409, and the history stays consistent. */
let t: TestApp;
let center: Actor;
let centerId: string;

beforeAll(async () => {
  t = await createTestApp();
  centerId = (await t.seed.center()).id;
  center = actors.center(centerId);
});
afterAll(() => t.close());

async function historyOf(id: string) {
  return t.database.db
    .select()
    .from(candidateStatusHistory)
    .where(eq(candidateStatusHistory.candidateId, id))
    .orderBy(candidateStatusHistory.id);
}

const transition = (id: string, body: object) =>
  t.request({ method: 'POST', url: `/candidates/${id}/transitions`, as: center, payload: body });

describe('one candidate, several writers', () => {
  it('a second identical move is refused once the first has happened', async () => {
    const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'registered' });
    expect((await transition(c.id, { to: 'withdrawn', reason: 'moved abroad' })).statusCode).toBe(200);
    const again = await transition(c.id, { to: 'withdrawn', reason: 'moved abroad' });
    expect(again.statusCode).toBe(409);
    expect((await historyOf(c.id)).map((h) => h.toStatus)).toEqual(['withdrawn']);
  });

  it.skipIf(!onPostgres())(
    'ten parallel withdrawals of one candidate: exactly one wins, and the history has one row for it (PostgreSQL)',
    async () => {
      const c = await t.seed.candidate({ trainingCenterId: centerId, status: 'training' });
      // Ten clerks withdraw the trainee at once, each with their own reason.
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => transition(c.id, { to: 'withdrawn', reason: `reason ${i}` })),
      );
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes.filter((s) => s === 200)).toHaveLength(1);
      expect(codes.filter((s) => s === 409)).toHaveLength(9);
      const winner = results.findIndex((r) => r.statusCode === 200);
      const history = await historyOf(c.id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        fromStatus: 'training',
        toStatus: 'withdrawn',
        reason: `reason ${winner}`,
      });
      const [row] = await t.database.db.select().from(candidates).where(eq(candidates.id, c.id));
      expect(row).toMatchObject({ status: 'withdrawn', version: c.version + 1 });
    },
  );
});
