import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../common/api-docs.js';
import { type Principal, type Role } from './principal.js';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const EXTERNAL_AUTH_KEY = 'auth:external';

/** No credentials needed (a presented key is still checked: a bad one is 401). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Public, and the route authenticates the caller itself: its Authorization header (if any) carries
 * a third party's credential (a bank-notification service's `Bearer <token>`), not an API key.
 */
export const ExternalAuth = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), SetMetadata(EXTERNAL_AUTH_KEY, true));

/** Requires a key with one of these roles: none → 401, another role → 403. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No or invalid API key', type: ErrorResponse }),
    ApiForbiddenResponse({ description: `Requires role ${roles.join(' or ')} (and ownership)`, type: ErrorResponse }),
  );


export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest().principal;
});
