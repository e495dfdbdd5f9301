/**
 * Reading a JSON message body against a schema, as the pages do with every message they get: the
 * text is parsed, then checked with `v.safeParse`, and anything else (not JSON, not of the shape) is
 * `undefined`, so a page shows nothing rather than NaN and is never thrown by a body it did not
 * expect.
 */
import * as v from 'valibot';

/** The body parsed and checked against `schema`; undefined when it is not JSON or does not fit. */
export function parseJsonBody<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  body: string,
): v.InferOutput<TSchema> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}
