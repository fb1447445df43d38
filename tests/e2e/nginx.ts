/**
 * nginx for the reverse-proxy test: where it is, and the configuration it runs.
 *
 * Shared by tests/e2e/reverse-proxy.spec.ts, scripts/test.js and .ci/run (the last two load it
 * through tsx), so all three agree on which nginx is used. The proxy settings are not written here:
 * they are read from the nginx block in docs/operations.md ("Behind a reverse proxy"), so the
 * documented configuration is the one the test runs.
 */
import fs from 'node:fs'
import path from 'node:path'

export const SYSTEM_NGINX = '/usr/sbin/nginx'

export const MISSING_NGINX_MESSAGE = [
  'No nginx found for the reverse-proxy end-to-end test. Install it:',
  '  - Debian/Ubuntu (as root):  apt-get update && apt-get install -y nginx',
  '  - macOS (Homebrew):          brew install nginx',
  `Or point NGINX_PATH at an nginx binary (default system path: ${SYSTEM_NGINX}).`,
  'The test starts its own nginx on a free port with a configuration in a temporary folder; no',
  'system nginx service needs to run.',
].join('\n')

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** The nginx binary: NGINX_PATH, then /usr/sbin/nginx, then the first `nginx` on PATH; null if none. */
export function findNginx(): string | null {
  const explicit = process.env.NGINX_PATH
  if (explicit && isExecutable(explicit)) return explicit
  if (isExecutable(SYSTEM_NGINX)) return SYSTEM_NGINX
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, process.platform === 'win32' ? 'nginx.exe' : 'nginx')
    if (isExecutable(candidate)) return candidate
  }
  return null
}

/** The first line of the documented block: how the test finds it in docs/operations.md. */
export const SNIPPET_FIRST_LINE = '# /etc/nginx/snippets/summit-proxy.conf'
/** The upstream the documentation proxies to; the test puts its own server's port there. */
export const DOCUMENTED_UPSTREAM = 'proxy_pass http://127.0.0.1:3000;'
/** The line that passes the visitor's Host on; the second test case takes it out. */
export const HOST_LINE = 'proxy_set_header Host $host;'

/** The proxy snippet exactly as docs/operations.md shows it. */
export function documentedProxySnippet(root = process.cwd()): string {
  const docs = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8')
  const blocks = [...docs.matchAll(/^```nginx\n([\s\S]*?)^```$/gm)].map((match) => match[1]!)
  const snippet = blocks.find((block) => block.startsWith(`${SNIPPET_FIRST_LINE}`))
  if (!snippet) throw new Error(`docs/operations.md has no \`\`\`nginx block starting with "${SNIPPET_FIRST_LINE}"`)
  return snippet
}

/** Replaces the single line of `text` that contains `needle` (trimmed) by `replacement` (null: removes it). */
function replaceLine(text: string, needle: string, replacement: string | null) {
  const lines = text.split('\n')
  const found = lines.flatMap((line, index) => (line.trim().startsWith(needle) ? [index] : []))
  if (found.length !== 1) throw new Error(`Expected exactly one line "${needle}" in the documented nginx block, found ${found.length}`)
  const index = found[0]!
  if (replacement === null) lines.splice(index, 1)
  else lines[index] = lines[index]!.replace(needle, replacement)
  return lines.join('\n')
}

export type NginxConfigOptions = {
  /** The folder nginx runs in (`-p`): logs, temporary files and the configuration live there. */
  prefix: string
  /** Where nginx listens (127.0.0.1). */
  listenPort: number
  /** Summit's port on 127.0.0.1. */
  upstreamPort: number
  /** Keep the documented `proxy_set_header Host $host;` (false: nginx's default Host, the upstream's address). */
  forwardHost: boolean
}

/**
 * A whole nginx.conf around the documented snippet: one server on 127.0.0.1:<listenPort>, every
 * log and temporary path inside `prefix` (so it needs nothing under /var and runs as any user).
 * The snippet is changed only where it must be: the upstream port, and the Host line when
 * `forwardHost` is false. The pid file and `daemon off` are given on the command line.
 */
export function nginxConfig({ prefix, listenPort, upstreamPort, forwardHost }: NginxConfigOptions) {
  let snippet = replaceLine(documentedProxySnippet(), DOCUMENTED_UPSTREAM, `proxy_pass http://127.0.0.1:${upstreamPort};`)
  if (!forwardHost) snippet = replaceLine(snippet, HOST_LINE, null)
  const inside = (name: string) => path.join(prefix, name)
  const indented = snippet
    .trimEnd()
    .split('\n')
    .map((line) => (line ? `        ${line}` : line))
    .join('\n')
  return `# Written by tests/e2e/reverse-proxy.spec.ts around the block in docs/operations.md.
worker_processes 1;
error_log ${inside('error.log')} info;

events {
    worker_connections 256;
}

http {
    access_log ${inside('access.log')};
    client_body_temp_path ${inside('client_body_temp')};
    proxy_temp_path ${inside('proxy_temp')};
    fastcgi_temp_path ${inside('fastcgi_temp')};
    uwsgi_temp_path ${inside('uwsgi_temp')};
    scgi_temp_path ${inside('scgi_temp')};
    default_type application/octet-stream;

    server {
        listen 127.0.0.1:${listenPort};
        server_name 127.0.0.1;

${indented}
    }
}
`
}
