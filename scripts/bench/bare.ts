/**
 * The floor the HTTP figures are measured against: a bare Fastify server (no JWT, no schemas, no
 * logging) in a process of its own, running the same SQL as the service with the same driver and the
 * same pool size. `PORT=… DATABASE_URL=… node --import tsx scripts/bench/bare.ts`; prints "ready".
 *
 * - GET /candidates/:id: the service's prepared single-record read (with a center's scope bound);
 * - GET /candidates?status=&homeProvinceCode=&limit=: the service's filtered page (newest first, the
 *   keyset columns, limit + 1 rows), answered as the same `{ items, nextCursor }` JSON.
 */
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, {
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  onnotice: () => {},
});
const center = process.env.BENCH_CENTER_ID!;

const COLUMNS = `id, code, pool_code as "poolCode", full_name as "fullName", date_of_birth::text as "dateOfBirth",
  gender, national_id as "nationalId", phone, home_province_code as "homeProvinceCode",
  province_boundaries as "provinceBoundaries", home_province_2025 as "homeProvince2025",
  occupation_field as "occupationField", jlpt_level as "jlptLevel", consent_to_share as "consentToShare",
  training_center_id as "trainingCenterId", status, status_changed_at as "statusChangedAt", version,
  created_at as "createdAt", updated_at as "updatedAt"`;

const BY_ID = `select ${COLUMNS} from candidates
  where id = $1 and ($2::uuid is null or training_center_id = $2::uuid)
    and ($3::text is null or home_province_2025 = $3::text)`;

const PAGE = `select ${COLUMNS},
    to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "_k0", id::text as "_k1"
  from candidates
  where training_center_id = $1 and status = $2 and home_province_2025 = $3
  order by created_at desc, id desc limit $4`;

const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>('/candidates/:id', async (request, reply) => {
  const [row] = await sql.unsafe(BY_ID, [request.params.id, center, null], { prepare: true });
  if (!row) return reply.code(404).send({});
  return row;
});

app.get<{ Querystring: { status: string; homeProvinceCode: string; limit: string } }>(
  '/candidates',
  async (request) => {
    const limit = Number(request.query.limit ?? 50);
    const rows = await sql.unsafe(
      PAGE,
      [center, request.query.status, request.query.homeProvinceCode, limit + 1],
      { prepare: true },
    );
    const items = rows.slice(0, limit).map(({ _k0, _k1, ...item }) => item);
    const last = rows[limit - 1];
    const nextCursor =
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last._k0, last._k1])).toString('base64url')
        : null;
    return { items, nextCursor };
  },
);

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, async () => {
    await app.close();
    await sql.end({ timeout: 5 });
    process.exit(0);
  });
}
