/**
 * Webhooks end to end: an admin adds an endpoint without JavaScript, a status change reaches a
 * real receiver signed per Standard Webhooks and shows in the delivery log; and a message being
 * sent when the server is killed with SIGKILL arrives after the restart, with the same webhook-id.
 */
import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { webhookDeliveries, webhookEndpoints } from '#db/schema'
import { getDb, openDatabase } from '~/lib/db.server'
import { changeIdeaStatus } from '~/models/idea-status.server'
import { getWebhookSetting, setSetting } from '~/models/settings.server'
import { createWebhookEndpoint } from '~/models/webhooks.server'
import { createTestIdea, createUser } from '#tests/factories'
import { expect, expectAccessible, test } from './fixtures'
import { type OwnServer, removeDatabaseFiles, startOwnServer, tmpDatabaseFile } from './own-server'

type Received = { headers: Record<string, string>; body: string }

/** A webhook receiver on a loopback port; `hang` makes it take requests and never answer. */
async function startReceiver() {
  const received: Received[] = []
  const state = { hang: false }
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body })
      if (!state.hang) res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/summit`
  const close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return { url, received, state, close }
}

const typeOf = (r: Received) => (JSON.parse(r.body) as { type: string }).type

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an admin adds an endpoint; a status change arrives signed and shows in the delivery log', async ({ page, loginAs }) => {
    test.setTimeout(60_000)
    const db = getDb()
    const before = getWebhookSetting(db)
    setSetting(db, 'webhooks', { allowPrivateTargets: true }) // the receiver is on loopback
    const receiver = await startReceiver()
    try {
      const admin = await loginAs('admin')
      await page.goto('/admin/webhooks')
      await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible()
      await expectAccessible(page)
      await page.getByLabel('URL', { exact: true }).fill(receiver.url)
      await page.getByLabel('Description (optional)').fill('Product analytics')
      await expect(page.getByRole('checkbox', { name: /An idea changes status/ })).toBeChecked()
      await page.getByRole('button', { name: 'Add the endpoint' }).click()
      const secret = (await page.getByTestId('webhook-secret').textContent())!.trim()
      expect(secret).toMatch(/^whsec_/)
      await expectAccessible(page)

      const idea = createTestIdea(db, { authorId: createUser(db).id, title: 'Webhooks for the status page' })
      changeIdeaStatus(db, { ideaId: idea.id, actorId: admin.id, toStatus: 'planned', noteMd: 'On the roadmap.' })
      const mine = () =>
        receiver.received.filter(
          (r) => typeOf(r) === 'idea.status_changed' && (JSON.parse(r.body) as { data: { idea: { id: number } } }).data.idea.id === idea.id,
        )
      await expect.poll(() => mine().length, { timeout: 20_000 }).toBe(1)
      const event = new Webhook(secret).verify(mine()[0]!.body, mine()[0]!.headers) as { data: Record<string, unknown> }
      expect(event.data).toMatchObject({
        idea: { id: idea.id, title: 'Webhooks for the status page', status: 'planned' },
        fromStatus: 'open',
        toStatus: 'planned',
      })

      await page.goto('/admin/webhooks')
      await page.getByRole('link', { name: receiver.url }).first().click()
      await expect(page.getByRole('heading', { name: 'Webhook endpoint' })).toBeVisible()
      const log = page.getByRole('region', { name: 'Deliveries, newest first' })
      const row = log.getByRole('row').filter({ hasText: mine()[0]!.headers['webhook-id']! })
      await expect(row).toContainText('idea.status_changed')
      await expect(row).toContainText('HTTP 200')
      await expectAccessible(page)
      await expect(page.content()).resolves.not.toContain(secret)
    } finally {
      db.delete(webhookEndpoints).where(eq(webhookEndpoints.url, receiver.url)).run()
      setSetting(db, 'webhooks', before)
      await receiver.close()
    }
  })
})

test('a delivery in progress when the server is killed with SIGKILL arrives after the restart', async () => {
  test.setTimeout(90_000)
  const file = tmpDatabaseFile('webhooks-kill')
  const receiver = await startReceiver()
  receiver.state.hang = true
  const servers: OwnServer[] = []
  let db: ReturnType<typeof openDatabase> | null = null
  try {
    servers.push(await startOwnServer(file))
    db = openDatabase(file)
    setSetting(db, 'webhooks', { allowPrivateTargets: true })
    const admin = createUser(db, { role: 'admin' })
    const { secret } = createWebhookEndpoint(db, {
      actorId: admin.id,
      input: { url: receiver.url, description: 'kill test', kind: 'standard', events: ['idea.created'] },
    })
    const idea = createTestIdea(db, { authorId: createUser(db).id })
    // The worker takes it and the receiver holds the request open: the kill comes mid-send.
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1)
    await servers[0]!.kill()
    const row = db.select().from(webhookDeliveries).get()!
    expect(row.deliveredAt).toBeNull()

    receiver.state.hang = false
    servers.push(await startOwnServer(file))
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2)
    const again = receiver.received[1]!
    expect(again.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id'])
    const event = new Webhook(secret).verify(again.body, again.headers) as { type: string; data: { idea: { id: number } } }
    expect(event).toMatchObject({ type: 'idea.created', data: { idea: { id: idea.id } } })
    await expect
      .poll(() => db!.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row.id)).get()!.deliveredAt, { timeout: 10_000 })
      .toBeTruthy()
  } finally {
    for (const s of servers) await s.stop()
    db?.$client.close()
    await receiver.close()
    removeDatabaseFiles(file)
  }
})
