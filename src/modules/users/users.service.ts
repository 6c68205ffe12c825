import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { readPage } from '../../db/query.ts';
import { type Actor, type Role, SCOPE_FIELD } from '../../lib/actor.ts';
import { AppError, conflict, notFound, validationFailed } from '../../lib/errors.ts';
import { keyset } from '../../lib/pagination.ts';
import { DUMMY_HASH, generatePassword, hashPassword, verifyPassword } from '../../lib/password.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertExists, requireProvince2025 } from '../organisations/organisations.service.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { passwordProblem } from './users.policy.ts';
import type { CreateUserInput, UpdateUserInput, UsersQuery } from './users.schemas.ts';
import { users } from './users.table.ts';
import { createLoginThrottle, type LoginThrottle } from './users.throttle.ts';

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

const toMe = (row: UserRow) => ({ ...toUser(row), mustChangePassword: row.mustChangePassword });

/** What an admin sees and what the audit trail keeps: never the password hash. */
const toAccount = (row: UserRow) => ({ ...toMe(row), disabled: row.disabled, lastLoginAt: row.lastLoginAt });

/** What the auth hook compares a token with on every request. */
export interface SessionState {
  tokenVersion: number;
  disabled: boolean;
  mustChangePassword: boolean;
}

/**
 * How long this instance trusts what it last read of a user's session state. Its own writes take
 * effect at once; another instance's (several may share the database) within this bound.
 */
export const SESSION_CHECK_TTL_MS = 1000;
const SESSION_CACHE_MAX = 10_000;

const invalidCredentials = () =>
  new AppError(401, 'invalid-credentials', 'Unauthorized', 'The email or password is wrong.');

/** Users by email (unique). */
const userPager = keyset([{ expr: users.email, kind: 'text' }]);

/**
 * What this instance last read of each user's session state, shared by concurrent requests; a write
 * of this instance forgets the user's entry at once.
 */
export type SessionCache = Map<string, { until: number; state: Promise<SessionState | null> }>;

export interface UserDeps {
  db: Db;
  reference: ReferenceService;
  throttle: LoginThrottle;
  sessions: SessionCache;
}

type ScopeInput = { trainingCenterId?: string; provinceCode?: string; partnerId?: string };

/** The scope ids a client sent must name an existing center, partner or 2025 province (else 400). */
async function checkScope({ db, reference }: Pick<UserDeps, 'db' | 'reference'>, input: ScopeInput) {
  if (input.trainingCenterId) await assertExists(db, 'center', input.trainingCenterId, 'trainingCenterId');
  if (input.partnerId) await assertExists(db, 'partner', input.partnerId, 'partnerId');
  if (input.provinceCode) requireProvince2025(reference, input.provinceCode);
}

function checkPolicy(password: string, email: string, path: string) {
  const problem = passwordProblem(password, email);
  if (problem) throw validationFailed([{ path, message: problem }], `The ${path} ${problem}.`);
}

/** Creates a user; `actor` is null for a user made outside a request (tests, scripts). */
export async function createUser(
  { db, reference }: Pick<UserDeps, 'db' | 'reference'>,
  actor: Actor | null,
  input: CreateUserInput,
) {
  checkPolicy(input.password, input.email, 'password');
  await checkScope({ db, reference }, input);
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
    await recordAudit(tx, {
      actorId: actor?.id ?? null,
      action: 'create',
      entity: 'user',
      entityId: row!.id,
      after: toAccount(row!),
    });
    return toUser(row!);
  });
}

/**
 * The user for a right email and password, throttled per account and per address; the same
 * time is spent whether the email exists or not. Records the time of the login.
 */
export async function logIn(
  { db, throttle }: Pick<UserDeps, 'db' | 'throttle'>,
  email: string,
  password: string,
  address: string,
) {
  const attempt = await throttle.attempt(email, address);
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok) throw invalidCredentials();
  await attempt.succeeded();
  if (row.disabled)
    throw new AppError(
      401,
      'account-disabled',
      'Unauthorized',
      'This account is disabled; ask an administrator.',
    );
  const [signedIn] = await db
    .update(users)
    .set({ lastLoginAt: sql`now()` })
    .where(eq(users.id, row.id))
    .returning();
  return { user: toMe(signedIn!), tokenVersion: signedIn!.tokenVersion };
}

/** The signed-in user. */
export async function getMe({ db }: Pick<UserDeps, 'db'>, actor: Actor) {
  const [row] = await db.select().from(users).where(eq(users.id, actor.id));
  if (!row) throw notFound('The user');
  return toMe(row);
}

/**
 * The token version, disabled flag and pending password change of a user (null: no such user),
 * as the auth hook checks them on every request: read at most once per SESSION_CHECK_TTL_MS per
 * user, concurrent requests sharing one read.
 */
export function sessionState(
  { db, sessions }: Pick<UserDeps, 'db' | 'sessions'>,
  id: string,
): Promise<SessionState | null> {
  const now = Date.now();
  const cached = sessions.get(id);
  if (cached && cached.until > now) return cached.state;
  if (sessions.size >= SESSION_CACHE_MAX) {
    for (const [key, entry] of sessions) if (entry.until <= now) sessions.delete(key);
    if (sessions.size >= SESSION_CACHE_MAX) sessions.clear();
  }
  const state = db
    .select({
      tokenVersion: users.tokenVersion,
      disabled: users.disabled,
      mustChangePassword: users.mustChangePassword,
    })
    .from(users)
    .where(eq(users.id, id))
    .then(([row]) => row ?? null);
  const entry = { until: now + SESSION_CHECK_TTL_MS, state };
  sessions.set(id, entry);
  state.catch(() => {
    if (sessions.get(id) === entry) sessions.delete(id);
  });
  return state;
}

/** Users by email, optionally of one role or only (non-)disabled ones (admins only, by route). */
export async function listUsers({ db }: Pick<UserDeps, 'db'>, query: UsersQuery) {
  const page = await readPage(userPager, query, (after) =>
    db
      .select({ user: users, ...userPager.keys })
      .from(users)
      .where(
        and(
          query.role ? eq(users.role, query.role) : undefined,
          query.disabled !== undefined ? eq(users.disabled, query.disabled) : undefined,
          after,
        ),
      ),
  );
  return { items: page.items.map((r) => toAccount(r.user)), nextCursor: page.nextCursor };
}

/**
 * Re-roles, re-scopes, disables or enables a user. Any of these ends every token the user holds.
 * The last enabled admin can be neither disabled nor demoted.
 */
export async function updateUser(
  { db, reference, sessions }: Pick<UserDeps, 'db' | 'reference' | 'sessions'>,
  actor: Actor,
  id: string,
  input: UpdateUserInput,
) {
  await checkScope({ db, reference }, input);
  const result = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!row) throw notFound('The user');
    const role = (input.role ?? row.role) as Role;
    if (!input.role) {
      for (const [r, field] of Object.entries(SCOPE_FIELD)) {
        if (input[field] !== undefined && role !== r)
          throw validationFailed([{ path: field, message: `is only for the ${r} role` }]);
      }
    }
    const next = {
      role,
      trainingCenterId: role === 'center' ? (input.trainingCenterId ?? row.trainingCenterId) : null,
      provinceCode: role === 'province' ? (input.provinceCode ?? row.provinceCode) : null,
      partnerId: role === 'partner' ? (input.partnerId ?? row.partnerId) : null,
      disabled: input.disabled ?? row.disabled,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== row[k]);
    if (!changed) return toAccount(row);
    if (row.role === 'admin' && !row.disabled && (next.role !== 'admin' || next.disabled)) {
      const others = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, id)))
        .for('update');
      if (others.length === 0)
        throw conflict(
          `${row.email} is the last enabled admin: make another user admin before ${
            next.disabled ? 'disabling' : 'demoting'
          } it.`,
          [{ path: next.disabled ? 'disabled' : 'role', message: 'would leave no enabled admin' }],
        );
    }
    const [updated] = await tx
      .update(users)
      .set({ ...next, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id))
      .returning();
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'update',
      entity: 'user',
      entityId: id,
      before: toAccount(row),
      after: toAccount(updated!),
    });
    return toAccount(updated!);
  });
  sessions.delete(id);
  return result;
}

/**
 * Gives the user a temporary password, shown once; its tokens stop working and it must choose
 * a new password at the next login.
 */
export async function resetPassword(
  { db, sessions }: Pick<UserDeps, 'db' | 'sessions'>,
  actor: Actor,
  id: string,
) {
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw notFound('The user');
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'reset-password',
      entity: 'user',
      entityId: id,
      after: { mustChangePassword: true },
    });
  });
  sessions.delete(id);
  return { temporaryPassword };
}

/**
 * The signed-in user's own change of password; a wrong current password counts as a failed
 * login of the account. Every token issued before stops working.
 */
export async function changePassword(
  { db, throttle, sessions }: Pick<UserDeps, 'db' | 'throttle' | 'sessions'>,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  address: string,
) {
  const [row] = await db.select().from(users).where(eq(users.id, actor.id));
  if (!row) throw notFound('The user');
  checkPolicy(input.newPassword, row.email, 'newPassword');
  if (input.newPassword === input.currentPassword)
    throw validationFailed(
      [{ path: 'newPassword', message: 'must differ from the current password' }],
      'The new password must differ from the current one.',
    );
  const attempt = await throttle.attempt(row.email, address);
  if (!(await verifyPassword(input.currentPassword, row.passwordHash)))
    throw validationFailed(
      [{ path: 'currentPassword', message: 'is not your current password' }],
      'The current password is wrong.',
    );
  await attempt.succeeded();
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, tokenVersion: sql`${users.tokenVersion} + 1` })
      .where(eq(users.id, row.id));
    await recordAudit(tx, {
      actorId: actor.id,
      action: 'change-password',
      entity: 'user',
      entityId: row.id,
      after: { mustChangePassword: false },
    });
  });
  sessions.delete(row.id);
}

/**
 * On a start with no users, creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD or with a
 * generated password, returned once so the server can print it. A generated password, or one
 * the password policy refuses, must be changed at the first login.
 */
export async function ensureFirstAdmin(
  { db }: Pick<UserDeps, 'db'>,
  email: string | undefined,
  password: string | undefined,
) {
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(users)) as [{ n: number }];
  if (n > 0) return null;
  const adminEmail = email ?? 'admin@kakehashi.local';
  const adminPassword = password ?? generatePassword();
  const mustChangePassword = !password || passwordProblem(adminPassword, adminEmail) !== null;
  await db
    .insert(users)
    .values({
      email: adminEmail,
      passwordHash: await hashPassword(adminPassword),
      role: 'admin',
      mustChangePassword,
    })
    .onConflictDoNothing();
  return { email: adminEmail, password: adminPassword, generated: !password, mustChangePassword };
}

/**
 * Binds the deps once: the login throttle and this instance's session cache live here. Routes call
 * `app.services.users.update(actor, id, input)`; the auth plugin calls `sessionState(id)`.
 */
export function createUserService({
  db,
  reference,
  loginRateLimit,
}: {
  db: Db;
  reference: ReferenceService;
  loginRateLimit: number;
}) {
  const deps: UserDeps = {
    db,
    reference,
    throttle: createLoginThrottle({ db, limit: loginRateLimit, windowMs: 60_000 }),
    sessions: new Map(),
  };
  return {
    create: (actor: Actor | null, input: CreateUserInput) => createUser(deps, actor, input),
    login: (email: string, password: string, address: string) => logIn(deps, email, password, address),
    me: (actor: Actor) => getMe(deps, actor),
    sessionState: (id: string) => sessionState(deps, id),
    list: (query: UsersQuery) => listUsers(deps, query),
    update: (actor: Actor, id: string, input: UpdateUserInput) => updateUser(deps, actor, id, input),
    resetPassword: (actor: Actor, id: string) => resetPassword(deps, actor, id),
    changePassword: (
      actor: Actor,
      input: { currentPassword: string; newPassword: string },
      address: string,
    ) => changePassword(deps, actor, input, address),
    ensureFirstAdmin: (email: string | undefined, password: string | undefined) =>
      ensureFirstAdmin(deps, email, password),
  };
}

export type UserService = ReturnType<typeof createUserService>;
