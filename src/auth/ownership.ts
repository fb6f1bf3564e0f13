import { Forbidden } from '../common/errors.js';
import { type Principal } from './principal.js';

/** Admin, or the cooperative itself. */
export function assertCooperativeAccess(p: Principal | undefined, cooperativeId: string): void {
  if (p?.role === 'admin') return;
  if (p?.role === 'cooperative' && p.cooperativeId === cooperativeId) return;
  throw new Forbidden('This cooperative is not yours');
}

/** Admin, or a manager of this market. */
export function assertMarketAccess(p: Principal | undefined, marketId: string): void {
  if (p?.role === 'admin') return;
  if (p?.role === 'market_manager' && p.marketIds.includes(marketId)) return;
  throw new Forbidden('This market is not yours');
}
