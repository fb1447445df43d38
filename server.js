/**
 * Summit's entry: `node server.js`. The server itself is TypeScript in server/ (server/index.ts):
 * in production it runs as built by `npm run build` into server-build/, in development straight
 * from its source through tsx.
 */
import fs from 'node:fs'

// Settings from .env, when there is one (variables already set win).
try {
  process.loadEnvFile()
} catch {
  // no .env file: the environment alone configures Summit
}

if (process.env.NODE_ENV === 'production') {
  const built = new URL('./server-build/index.js', import.meta.url)
  if (!fs.existsSync(built)) {
    console.error('server-build/index.js is missing: run `npm run build` first (`npm start` builds, then serves).')
    process.exit(1)
  }
  await import(built.href)
} else {
  const { tsImport } = await import('tsx/esm/api')
  await tsImport('./server/index.ts', import.meta.url)
}
