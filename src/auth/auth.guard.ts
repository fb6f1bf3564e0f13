import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import '../common/http.js';
import { Forbidden, Unauthorized } from '../common/errors.js';
import { ApiKeysService } from './api-keys.service.js';
import { EXTERNAL_AUTH_KEY, PUBLIC_KEY, ROLES_KEY } from './decorators.js';
import { type Role } from './principal.js';

/**
 * Global guard, deny by default: a route is reachable only if it is @Public() or names its @Roles().
 * A presented Bearer key is always verified (a bad one is 401 even on a public route), except on an
 * @ExternalAuth() route, whose Authorization header belongs to a third party and is checked there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** A route's access rules, read from its decorators once (they never change at run time). */
  private readonly rules = new WeakMap<object, { isPublic: boolean; roles?: Role[]; external: boolean }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  private rulesOf(ctx: ExecutionContext) {
    const handler = ctx.getHandler();
    let r = this.rules.get(handler);
    if (!r) {
      const targets = [handler, ctx.getClass()];
      r = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        roles: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets),
        external: this.reflector.getAllAndOverride<boolean>(EXTERNAL_AUTH_KEY, targets) === true,
      };
      this.rules.set(handler, r);
    }
    return r;
  }

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const { isPublic, roles, external } = this.rulesOf(ctx);
    const header = external ? undefined : req.headers.authorization;
    // No key presented on a public route: answered at once, without a promise.
    if (header === undefined && isPublic) return true;
    return this.check(req, header, isPublic, roles);
  }

  private async check(req: FastifyRequest, header: string | undefined, isPublic: boolean, roles: Role[] | undefined): Promise<boolean> {
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) {
        // Other schemes (e.g. the bank webhook's "Apikey") are checked by their own routes.
        if (!isPublic) throw new Unauthorized('Authorization must be "Bearer <API key>"');
      } else {
        req.principal = await this.keys.authenticate(m[1]);
      }
    }
    if (isPublic) return true;
    if (!roles) throw new Forbidden('This route is not open to API keys'); // a route that forgot to declare access
    if (!req.principal) throw new Unauthorized('An API key is required (Authorization: Bearer ocop_sk_…)');
    if (!roles.includes(req.principal.role)) throw new Forbidden(`Requires role ${roles.join(' or ')}`);
    return true;
  }
}
