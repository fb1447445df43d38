/**
 * Mail transports behind one interface. The default, 'log', writes each message as an .eml file
 * (MAIL_DIR, default `mail/` beside the database) and logs one line: nothing leaves the machine
 * until an administrator configures SMTP. 'smtp' (when SMTP_URL is set) goes through nodemailer,
 * which is an optional dependency: `npm install nodemailer` first. It is loaded on demand, and a
 * missing package stops the server at start with a message saying so rather than at the first send.
 */
import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { databaseFile } from './db.server'
import { env } from './env.server'

export type MailMessage = {
  from: string
  to: string
  subject: string
  text: string
  /** Extra headers, e.g. List-Unsubscribe. */
  headers: Record<string, string>
  messageId: string
}

export interface MailTransport {
  readonly name: 'log' | 'smtp'
  /** Resolves once the message is handed over; rejects with the reason otherwise. */
  send(message: MailMessage): Promise<void>
}

export function mailDirectory() {
  const configured = env().MAIL_DIR
  if (configured) return path.resolve(configured)
  const dbFile = databaseFile()
  if (dbFile === ':memory:') return path.join(os.tmpdir(), 'summit-mail')
  return path.join(path.dirname(path.resolve(dbFile)), 'mail')
}

/** RFC 2047 encoded-word for headers with non-ASCII text (curly quotes in titles, names). */
function encodeHeader(value: string) {
  const clean = value.replace(/[\r\n]+/g, ' ')
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`
}

/** The message as an RFC 5322 file: CRLF line ends, UTF-8 text sent as 8bit. */
export function toEml(message: MailMessage, date = new Date()) {
  const headers: [string, string][] = [
    ['From', encodeHeader(message.from)],
    ['To', encodeHeader(message.to)],
    ['Subject', encodeHeader(message.subject)],
    ['Date', date.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', message.messageId],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', '8bit'],
    ...Object.entries(message.headers).map(([name, value]): [string, string] => [name, encodeHeader(value)]),
  ]
  const body = message.text.replace(/\r?\n/g, '\r\n')
  return `${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}\r\n`
}

export function createLogTransport(directory = mailDirectory()): MailTransport {
  return {
    name: 'log',
    async send(message) {
      await fs.mkdir(directory, { recursive: true })
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      const file = path.join(directory, `${stamp}-${crypto.randomBytes(4).toString('hex')}.eml`)
      await fs.writeFile(file, toEml(message), { mode: 0o600 })
      console.log(`E-mail to ${message.to} written to ${file}: ${message.subject}`)
    },
  }
}

type Nodemailer = {
  createTransport(url: string): { sendMail(options: Record<string, unknown>): Promise<unknown> }
}

export const MISSING_NODEMAILER =
  'SMTP_URL is set, but the nodemailer package is not installed. Run `npm install nodemailer` (or unset SMTP_URL to write e-mail to files).'

export async function createSmtpTransport(url: string, load: () => Promise<unknown> = loadNodemailer): Promise<MailTransport> {
  let nodemailer: Nodemailer
  try {
    const loaded = (await load()) as Nodemailer & { default?: Nodemailer }
    nodemailer = loaded.default ?? loaded
  } catch {
    throw new Error(MISSING_NODEMAILER)
  }
  const smtp = nodemailer.createTransport(url)
  return {
    name: 'smtp',
    async send(message) {
      await smtp.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: message.headers,
        messageId: message.messageId,
      })
    },
  }
}

function loadNodemailer() {
  // A variable, so neither Vite nor TypeScript try to resolve a package that may not be installed.
  const name = 'nodemailer'
  return import(/* @vite-ignore */ name)
}

/** SMTP when SMTP_URL is set, else the .eml log. */
export async function createMailTransport(): Promise<MailTransport> {
  const url = env().SMTP_URL
  return url ? createSmtpTransport(url) : createLogTransport()
}
