import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { DUMMY_HASH, generatePassword, hashPassword, verifyPassword } from '../../lib/password.ts';
import type { Actor, Role } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { partners, trainingCenters } from '../organisations/organisations.table.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import type { CreateUserInput } from './users.schemas.ts';
import { users } from './users.table.ts';

type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    trainingCenterId: row.trainingCenterId,
    provinceCode: row.provinceCode,
    partnerId: row.partnerId,
  };
}

export function createUserService({ db, reference }: { db: Db; reference: ReferenceService }) {
  async function checkScope(input: CreateUserInput) {
    if (input.trainingCenterId) {
      const [c] = await db
        .select({ id: trainingCenters.id })
        .from(trainingCenters)
        .where(eq(trainingCenters.id, input.trainingCenterId));
      if (!c)
        throw validationFailed([
          { path: 'trainingCenterId', message: 'must be an existing training center' },
        ]);
    }
    if (input.partnerId) {
      const [p] = await db.select({ id: partners.id }).from(partners).where(eq(partners.id, input.partnerId));
      if (!p) throw validationFailed([{ path: 'partnerId', message: 'must be an existing partner' }]);
    }
    if (input.provinceCode && !reference.province(input.provinceCode, '2025')) {
      throw validationFailed([
        { path: 'provinceCode', message: 'must be a province code of the 2025 boundary set' },
      ]);
    }
  }

  return {
    async create(input: CreateUserInput, actor: Actor | null) {
      await checkScope(input);
      const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
      if (existing)
        throw conflict(`A user with the email ${input.email} already exists.`, [
          { path: 'email', message: 'is already in use' },
        ]);
      const passwordHash = await hashPassword(input.password);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({
            email: input.email,
            passwordHash,
            role: input.role,
            trainingCenterId: input.trainingCenterId ?? null,
            provinceCode: input.provinceCode ?? null,
            partnerId: input.partnerId ?? null,
          })
          .returning();
        const user = toUser(row!);
        await recordAudit(tx, {
          actorId: actor?.id ?? null,
          action: 'create',
          entity: 'user',
          entityId: user.id,
          after: user,
        });
        return user;
      });
    },

    /** The user for a right email and password; the same time is spent either way. */
    async authenticate(email: string, password: string) {
      const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
      const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
      if (!row || !ok)
        throw new AppError(401, 'invalid-credentials', 'Unauthorized', 'The email or password is wrong.');
      return toUser(row);
    },

    async get(id: string) {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      if (!row) throw notFound('The user');
      return toUser(row);
    },

    /**
     * On a start with no users, creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD or with a
     * generated password, returned once so the server can print it.
     */
    async ensureFirstAdmin(email: string | undefined, password: string | undefined) {
      const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(users)) as [{ n: number }];
      if (n > 0) return null;
      const adminEmail = email ?? 'admin@kakehashi.local';
      const adminPassword = password ?? generatePassword();
      await db
        .insert(users)
        .values({ email: adminEmail, passwordHash: await hashPassword(adminPassword), role: 'admin' })
        .onConflictDoNothing();
      return { email: adminEmail, password: adminPassword, generated: !password };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
