import { Ajv } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Query strings and path parameters are text, so they are coerced to the schema's types. JSON bodies are
 * not: `"server_id": "12345"` is a wrong type and is answered as one, not silently converted.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const common = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false } as const;
  const textual = new Ajv({ ...common, coerceTypes: true });
  const json = new Ajv({ ...common, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : textual).compile(schema as object);
}
