import path from 'node:path'

/**
 * Where the unit tests keep their databases. UNIT_TMP_DIR gives a run a folder of its own, so two
 * runs side by side never delete each other's files. Keep it inside the checkout (tests/.tmp/NAME): the
 * worker-thread tests bundle a script there that must find node_modules.
 */
export const TMP_DIR = path.resolve(process.env.UNIT_TMP_DIR || 'tests/.tmp')
/** Migrated once per run by global-setup; each test file works on its own copy. */
export const TEMPLATE_DB = path.join(TMP_DIR, 'template.db')
