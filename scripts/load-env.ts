// Settings from .env, when there is one (variables already set win). Imported first by CLI scripts.
try {
  process.loadEnvFile()
} catch {
  // no .env file: the environment alone configures Summit
}
