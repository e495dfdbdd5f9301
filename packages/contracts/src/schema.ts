/**
 * Two small helpers the schemas are built from. A payload is data to read, never to change, so
 * what a schema parses is readonly, like the interfaces these schemas replaced: `record` is
 * valibot's `object` (unknown keys are dropped) and `list` its `array`, each piped through
 * `readonly()`, which costs nothing at run time and only changes the inferred type.
 */
import * as v from 'valibot';

/**
 * An object of these entries; the parsed value is readonly and has only the listed keys. A missing
 * key is refused with its entry's own message where it has one (`quantity must be a number`), so a
 * field says the same whether it is absent or wrong.
 */
export function record<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.pipe(
    v.object(entries, (issue) => missingKeyMessage(entries, issue)),
    v.readonly(),
  );
}

/** An array of `item`; the parsed value is a readonly array. */
export function list<const TItem extends v.GenericSchema>(item: TItem) {
  return v.pipe(v.array(item), v.readonly());
}

function missingKeyMessage(entries: v.ObjectEntries, issue: v.ObjectIssue): string {
  const key = issue.path?.at(-1)?.key;
  const entry = typeof key === 'string' ? entries[key] : undefined;
  // Every valibot schema keeps the message it was given (`v.string('symbol must be a string')`).
  const message = entry !== undefined && 'message' in entry ? entry.message : undefined;
  return typeof message === 'string' ? message : issue.message;
}
