export type Role = 'admin' | 'cooperative' | 'market_manager';
export const ROLES: Role[] = ['admin', 'cooperative', 'market_manager'];

/** Who is calling: resolved from the API key by the AuthGuard. */
export interface Principal {
  keyId: string | 'env';
  role: Role;
  cooperativeId: string | null;
  marketIds: string[];
}
