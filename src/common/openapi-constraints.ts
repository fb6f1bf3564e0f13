import { getMetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/**
 * What class-validator enforces on a DTO, as OpenAPI 3.0 schema keywords. The OpenAPI document takes
 * required/nullable/formats/bounds from here (src/common/openapi.ts) instead of repeating them in
 * @ApiProperty, so the document cannot say something other than what the validation does.
 * No NestJS, no I/O.
 */
export interface PropertyRules {
  /** absent is allowed (a conditional validation skips undefined) */
  optional: boolean;
  /** null is allowed (a conditional validation skips null) */
  nullable: boolean;
  schema: Record<string, unknown>;
}

/** Every class that carries class-validator decorators, by class name. */
export function validatedClasses(): Map<string, Function> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: unknown };
  const byTarget = storage.validationMetadatas;
  if (!(byTarget instanceof Map)) throw new Error('class-validator metadata storage has changed shape: update src/common/openapi-constraints.ts');
  const out = new Map<string, Function>();
  for (const target of byTarget.keys()) if (typeof target === 'function' && target.name) out.set(target.name, target as Function);
  return out;
}

/** A JavaScript regex as an OpenAPI (ECMA-262) `pattern`, or undefined when its flags cannot be said in one. */
function patternOf(re: unknown): string | undefined {
  if (!(re instanceof RegExp)) return typeof re === 'string' ? re : undefined;
  return re.flags.replace(/[gyu]/g, '') === '' ? re.source : undefined;
}

/** The rules of each validated property of `cls` (inherited ones included). */
export function propertyRules(cls: Function): Map<string, PropertyRules> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metas) {
    if (m.type === 'whitelistValidation') continue;
    const list = byProperty.get(m.propertyName) ?? [];
    list.push(m);
    byProperty.set(m.propertyName, list);
  }
  const out = new Map<string, PropertyRules>();
  for (const [property, list] of byProperty) out.set(property, rulesOf(property, list));
  return out;
}

function rulesOf(property: string, metas: ValidationMetadata[]): PropertyRules {
  // Conditions are ANDed by class-validator: the property is validated only if every one holds.
  const conditions = metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.constraints[0] as (o: object, v: unknown) => boolean);
  const validatedWith = (v: unknown) => conditions.every((c) => c({ [property]: v }, v));
  const optional = conditions.length > 0 && !validatedWith(undefined);
  const nullable = conditions.length > 0 && !validatedWith(null);
  const schema: Record<string, unknown> = {};
  const each = (m: ValidationMetadata) => m.each === true;
  for (const m of metas) {
    if (m.type !== 'customValidation' || each(m)) continue;
    const c = m.constraints ?? [];
    switch (m.name) {
      case 'isString':
        schema.type = 'string';
        break;
      case 'isInt':
        schema.type = 'integer';
        break;
      case 'isBoolean':
        schema.type = 'boolean';
        break;
      case 'isIn': {
        const values = (Array.isArray(c[0]) ? c[0] : []) as unknown[];
        schema.enum = values;
        if (values.every((v) => Number.isInteger(v))) schema.type = 'integer';
        else if (values.every((v) => typeof v === 'boolean')) schema.type = 'boolean';
        else if (values.every((v) => typeof v === 'string')) schema.type = 'string';
        break;
      }
      case 'isLength':
        schema.type ??= 'string';
        if (typeof c[0] === 'number' && c[0] > 0) schema.minLength = c[0];
        if (typeof c[1] === 'number') schema.maxLength = c[1];
        break;
      case 'minLength':
        schema.minLength = c[0];
        break;
      case 'isNotEmpty':
        if (schema.type === 'string' || schema.type === undefined) schema.minLength = Math.max(1, Number(schema.minLength ?? 0));
        break;
      case 'maxLength':
        schema.maxLength = c[0];
        break;
      case 'matches': {
        const p = patternOf(c[0]);
        if (p !== undefined) {
          // Several patterns on one property: all must match (allOf keeps each).
          if (schema.pattern === undefined) schema.pattern = p;
          else schema.allOf = [...((schema.allOf as unknown[]) ?? []), { pattern: p }];
        }
        schema.type ??= 'string';
        break;
      }
      case 'min':
        schema.minimum = c[0];
        break;
      case 'max':
        schema.maximum = c[0];
        break;
      case 'isUuid':
        schema.type = 'string';
        schema.format = 'uuid';
        break;
      case 'isEmail':
        schema.type = 'string';
        schema.format = 'email';
        break;
      case 'isIso8601':
        schema.type = 'string';
        schema.format = 'date-time';
        break;
      case 'isCalendarDay':
      case 'isCalendarDate':
        schema.type = 'string';
        schema.format = 'date';
        break;
      case 'arrayMinSize':
        schema.minItems = c[0];
        break;
      case 'arrayMaxSize':
        schema.maxItems = c[0];
        break;
      case 'isArray':
        schema.type = 'array';
        break;
      case 'isObject':
        schema.type = 'object';
        break;
      default:
        break;
    }
  }
  return { optional, nullable, schema };
}
