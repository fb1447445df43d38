/**
 * Which Chromium the end-to-end tests run in. Shared by playwright.config.ts and scripts/test.js
 * (which loads it through tsx), so both always agree.
 *
 * 1. CHROMIUM_PATH, when set and the file exists (an explicit choice wins).
 * 2. Playwright's own Chromium (`npx playwright install chromium`). Playwright then picks the
 *    build itself: the headless shell for headless runs, the full browser for headed ones.
 * 3. Debian's /usr/bin/chromium (`apt-get install -y chromium`). A distribution build needs
 *    --no-sandbox to run as root or in a container, and the background-networking flags keep it from
 *    waiting on a closed network (update checks, sync, QUIC probes).
 */
import fs from 'node:fs'
import { chromium } from '@playwright/test'

export const SYSTEM_CHROMIUM = '/usr/bin/chromium'

export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const MISSING_BROWSER_MESSAGE = [
  'No Chromium found for the end-to-end tests. Install one of:',
  "  - Playwright's own build:  npx playwright install chromium",
  '  - Debian/Ubuntu package (as root):  apt-get update && apt-get install -y chromium',
  `Or point CHROMIUM_PATH at a Chromium or Chrome binary (default system path: ${SYSTEM_CHROMIUM}).`,
].join('\n')

export type ChromiumChoice = { executablePath?: string; args: string[] }

const isFile = (file: string) => {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** Path of Playwright's own Chromium if it is installed, else null. */
export function playwrightChromium(): string | null {
  try {
    const file = chromium.executablePath()
    return file && isFile(file) ? file : null
  } catch {
    return null // platforms Playwright has no build for
  }
}

/** The Chromium to launch, or null when there is none on this machine. */
export function findChromium(): ChromiumChoice | null {
  const explicit = process.env.CHROMIUM_PATH
  if (explicit && isFile(explicit)) return { executablePath: explicit, args: SYSTEM_CHROMIUM_ARGS }
  if (playwrightChromium()) return { args: [] }
  if (isFile(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: SYSTEM_CHROMIUM_ARGS }
  return null
}
