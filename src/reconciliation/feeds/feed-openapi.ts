import { applyDecorators } from '@nestjs/common';
import { ApiSecurity, type DocumentBuilder } from '@nestjs/swagger';
import { FEED_PROVIDERS } from './providers/index.js';

/** The OpenAPI security scheme of a provider's webhook authentication. */
const schemeName = (provider: string) => `bank-feed-${provider.replace(/_/g, '-')}`;

/** Declares every provider's scheme in the document (called by setupOpenApi). */
export function addFeedSecuritySchemes(builder: DocumentBuilder): DocumentBuilder {
  for (const p of Object.values(FEED_PROVIDERS)) {
    builder.addApiKey({ type: 'apiKey', in: 'header', name: p.authHeader.name, description: `${p.name}: ${p.authHeader.description}` }, schemeName(p.name));
  }
  return builder;
}

/** A feed webhook route: any one provider's scheme authenticates it (which one is the feed's). */
export const ApiFeedSecurity = () => applyDecorators(...Object.keys(FEED_PROVIDERS).map((name) => ApiSecurity(schemeName(name))));
