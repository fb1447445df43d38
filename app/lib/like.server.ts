/**
 * LIKE patterns built from what a person typed. Use them with `escape '\'` in the SQL, so %, _ and
 * the escape character itself are taken literally.
 */

/** A lower-case LIKE pattern matching `text` anywhere. */
export function containsPattern(text: string) {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
