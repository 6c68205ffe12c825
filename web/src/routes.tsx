/**
 * The route table: one line per screen. `nav` puts it in the navigation of the roles listed (in this
 * order); a screen's roles are also checked before it is shown (the API checks again).
 */
import type { FunctionComponent } from 'preact';
import { AccountsScreen, AuditScreen, JobsScreen, OrganisationsScreen } from './screens/admin.tsx';
import { ChangePasswordScreen } from './screens/auth.tsx';
import { CourseScreen, CoursesScreen } from './screens/courses.tsx';
import { AlertsScreen, GrievancesScreen, PlacementScreen } from './screens/followup.tsx';
import { HomeScreen } from './screens/home.tsx';
import { ImportScreen } from './screens/import.tsx';
import { OfficerReportsScreen } from './screens/officer.tsx';
import { JobOrderScreen, JobOrdersScreen, NewJobOrderScreen, PoolScreen } from './screens/partner.tsx';
import {
  PartnerGrievancesScreen,
  PartnerPlacementScreen,
  PartnerPlacementsScreen,
  SelectedCandidateScreen,
} from './screens/partnerPlacements.tsx';
import { TraineeScreen } from './screens/trainee.tsx';
import { RegisterScreen, TraineesScreen } from './screens/trainees.tsx';
import type { Role } from './session.ts';
import type { StringKey } from './strings.ts';

export interface Route {
  path: string;
  label: StringKey;
  roles: Role[];
  // biome-ignore lint/suspicious/noExplicitAny: each screen takes its own route params
  screen: FunctionComponent<any>;
  /** Listed in the navigation. */
  nav?: boolean;
}

const ALL: Role[] = ['admin', 'center', 'province', 'partner'];
const STAFF: Role[] = ['admin', 'center'];

export const routes: Route[] = [
  { path: '/', label: 'nav_home', roles: ALL, screen: HomeScreen, nav: true },
  {
    path: '/trainees',
    label: 'nav_trainees',
    roles: ['admin', 'center', 'province'],
    screen: TraineesScreen,
    nav: true,
  },
  { path: '/trainees/new', label: 'nav_register', roles: STAFF, screen: RegisterScreen },
  { path: '/trainees/import', label: 'nav_import', roles: STAFF, screen: ImportScreen },
  {
    path: '/trainees/:id',
    label: 'nav_trainees',
    roles: ['admin', 'center', 'province'],
    screen: TraineeScreen,
  },
  { path: '/courses', label: 'nav_courses', roles: STAFF, screen: CoursesScreen, nav: true },
  { path: '/courses/:id', label: 'nav_courses', roles: STAFF, screen: CourseScreen },
  {
    path: '/placements/:id',
    label: 'nav_trainees',
    roles: ['admin', 'center'],
    screen: PlacementScreen,
  },
  {
    path: '/alerts',
    label: 'nav_alerts',
    roles: ['admin', 'center', 'province', 'partner'],
    screen: AlertsScreen,
    nav: true,
  },
  {
    path: '/grievances',
    label: 'nav_grievances',
    roles: ['admin', 'center', 'province'],
    screen: GrievancesScreen,
    nav: true,
  },
  // partner (the partner's own screens for placements and grievances, Japanese first)
  { path: '/pool', label: 'nav_pool', roles: ['partner', 'admin'], screen: PoolScreen, nav: true },
  {
    path: '/job-orders',
    label: 'nav_jobOrders',
    roles: ['partner', 'admin'],
    screen: JobOrdersScreen,
    nav: true,
  },
  { path: '/job-orders/new', label: 'pt_newOrder', roles: ['partner', 'admin'], screen: NewJobOrderScreen },
  { path: '/job-orders/:id', label: 'nav_jobOrders', roles: ['partner', 'admin'], screen: JobOrderScreen },
  { path: '/selected/:id', label: 'nav_jobOrders', roles: ['partner'], screen: SelectedCandidateScreen },
  {
    path: '/placements',
    label: 'pt_navPlacements',
    roles: ['partner'],
    screen: PartnerPlacementsScreen,
    nav: true,
  },
  { path: '/placements/:id', label: 'pt_navPlacements', roles: ['partner'], screen: PartnerPlacementScreen },
  {
    path: '/grievances',
    label: 'nav_grievances',
    roles: ['partner'],
    screen: PartnerGrievancesScreen,
    nav: true,
  },
  // officer
  {
    path: '/reports',
    label: 'nav_reports',
    roles: ['province', 'admin'],
    screen: OfficerReportsScreen,
    nav: true,
  },
  // admin
  { path: '/admin/users', label: 'nav_accounts', roles: ['admin'], screen: AccountsScreen, nav: true },
  {
    path: '/admin/organisations',
    label: 'nav_organisations',
    roles: ['admin'],
    screen: OrganisationsScreen,
    nav: true,
  },
  { path: '/admin/jobs', label: 'nav_jobs', roles: ['admin'], screen: JobsScreen, nav: true },
  { path: '/admin/audit', label: 'nav_audit', roles: ['admin'], screen: AuditScreen, nav: true },
  { path: '/account', label: 'nav_account', roles: ALL, screen: () => <ChangePasswordScreen />, nav: true },
];

export interface NavItem {
  path: string;
  label: StringKey;
  /** A page outside the app (the statistics dashboard). */
  external?: boolean;
}

export function navItems(role: Role): NavItem[] {
  const items: NavItem[] = routes
    .filter((r) => r.nav && r.roles.includes(role) && r.path !== '/account')
    .map((r) => ({ path: r.path, label: r.label }));
  if (role === 'province' || role === 'admin')
    items.push({ path: '/dashboard', label: 'nav_statistics', external: true });
  items.push({ path: '/account', label: 'nav_account' });
  return items;
}
