/** The roles of DESIGN.md: what a signed-in user may do is decided by role and scope. */
export const ROLES = ['admin', 'center', 'province', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, and the scope their role is limited to. */
export interface Actor {
  id: string;
  role: Role;
  trainingCenterId: string | null;
  /** A 2025-boundary province code. */
  provinceCode: string | null;
  partnerId: string | null;
}

/** Every signed-in role: for routes whose service narrows what each role sees. */
export const ANY_ROLE = ROLES;

/** The role sets routes declare, named once; admins are in each. */
export const ADMINS = ['admin'] as const;
/** The sending side: training centers. */
export const CENTERS = ['admin', 'center'] as const;
/** The Vietnamese side: training centers and provincial officers. */
export const VIETNAM_SIDE = ['admin', 'center', 'province'] as const;
/** The receiving side: Japanese partners. */
export const PARTNERS = ['admin', 'partner'] as const;
/** The two ends of a placement: the center that sends and the partner that receives. */
export const CENTERS_AND_PARTNERS = ['admin', 'center', 'partner'] as const;

/** The scope id each scoped role carries (DESIGN.md); admins have none. */
export const SCOPE_FIELD = {
  center: 'trainingCenterId',
  province: 'provinceCode',
  partner: 'partnerId',
} as const satisfies Record<Exclude<Role, 'admin'>, keyof Actor>;

export const scopeFieldOf = (role: Role) => (role === 'admin' ? null : SCOPE_FIELD[role]);
