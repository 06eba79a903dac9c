import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/** Decimal digits only: `1e3`, `0x10`, `+5` and ` 5` are not how anyone writes an id or a page number. */
const DECIMAL = /^-?\d+$/;

interface ObjectSchema {
  properties?: Record<string, { type?: string }>;
  required?: string[];
}

/** Node gives header names in lower case; a schema that names `Idempotency-Key` must match that. */
function lowerCaseHeaderNames(schema: ObjectSchema): ObjectSchema {
  return {
    ...schema,
    ...(schema.properties
      ? {
          properties: Object.fromEntries(
            Object.entries(schema.properties).map(([name, property]) => [name.toLowerCase(), property]),
          ),
        }
      : {}),
    ...(schema.required ? { required: schema.required.map((name) => name.toLowerCase()) } : {}),
  };
}

/**
 * Query strings and path parameters are text, so they are coerced to the schema's types — but an integer
 * must be written in decimal digits, or `DELETE /snapshots/801e0/` would delete snapshot 801. JSON bodies
 * are not coerced at all: `"server_id": "12345"` is a wrong type and is answered as one.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false } as const;
  const textual = new Ajv({ ...common, coerceTypes: true });
  const json = new Ajv({ ...common, coerceTypes: false });
  return ({ schema, httpPart }) => {
    if (httpPart === 'body') return json.compile(schema as object);
    const textSchema =
      httpPart === 'headers' ? lowerCaseHeaderNames(schema as ObjectSchema) : (schema as ObjectSchema);
    const validate = textual.compile(textSchema);
    const integers = Object.entries(textSchema.properties ?? {})
      .filter(([, property]) => property.type === 'integer')
      .map(([name]) => name);
    const check = (data: unknown): boolean => {
      const record = (data ?? {}) as Record<string, unknown>;
      const wrong: ErrorObject[] = integers
        .filter((name) => typeof record[name] === 'string' && !DECIMAL.test(record[name] as string))
        .map((name) => ({
          instancePath: `/${name}`,
          schemaPath: `#/properties/${name}/type`,
          keyword: 'type',
          params: { type: 'integer' },
          message: 'must be integer',
        }));
      if (wrong.length) {
        check.errors = wrong;
        return false;
      }
      const ok = validate(data) as boolean;
      check.errors = validate.errors ?? null;
      return ok;
    };
    check.errors = null as ErrorObject[] | null;
    return check;
  };
}
