import type { PersonRole } from '../../orm/entities/vocabulary';

/**
 * Who is asking, as a verified token says. Discriminated by role so that a
 * clerk always has a department and a grid worker always has a grid.
 */
export type Viewer =
  | { readonly role: 'citizen'; readonly personCode: string }
  | { readonly role: 'grid_worker'; readonly personCode: string; readonly gridCode: string }
  | { readonly role: 'clerk'; readonly personCode: string; readonly departmentCode: string }
  /** Department managers have a department; the city's command-centre managers do not. */
  | { readonly role: 'manager'; readonly personCode: string; readonly departmentCode: string | null }
  | { readonly role: 'admin'; readonly personCode: string };

// Fails to compile when a role is added to the vocabulary but not to Viewer, or the other way round.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const VIEWER_ROLES_MATCH_VOCABULARY: Exact<Viewer['role'], PersonRole> = true;
