/**
 * The server connection's statement cache (app/lib/db.server.ts cacheStatements): a query shape is
 * compiled once, a kept statement comes back with its result modes reset whatever its last user
 * set, a statement being iterated is never handed out twice, and the cache stays within its size.
 */
import Database from 'better-sqlite3'
import { eq } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { users } from '#db/schema'
import { cacheStatements, getDb } from '~/lib/db.server'
import { createUser } from '#tests/factories'

const opened: Database.Database[] = []
afterEach(() => {
  while (opened.length) opened.pop()!.close()
})

function connection() {
  const sqlite = new Database(':memory:')
  opened.push(sqlite)
  sqlite.exec("create table t (id integer primary key, name text); insert into t (name) values ('a'), ('b'), ('c')")
  return sqlite
}

test('the same SQL text is compiled once and handed out again', () => {
  const sqlite = connection()
  cacheStatements(sqlite)
  const first = sqlite.prepare('select name from t where id = ?')
  expect(sqlite.prepare('select name from t where id = ?')).toBe(first)
  expect(sqlite.prepare('select name from t where id = ? ')).not.toBe(first)
})

test('a kept statement comes back with raw, pluck and expand off, as a fresh one would be', () => {
  const sqlite = connection()
  cacheStatements(sqlite)
  const sql = 'select id, name from t where id = ?'
  expect(sqlite.prepare(sql).raw().get(1)).toEqual([1, 'a'])
  expect(sqlite.prepare(sql).get(1)).toEqual({ id: 1, name: 'a' })
  expect(sqlite.prepare(sql).pluck().get(2)).toBe(2)
  expect(sqlite.prepare(sql).get(2)).toEqual({ id: 2, name: 'b' })
  // Statements that return no data have no result modes: they are kept all the same.
  const insert = sqlite.prepare('insert into t (name) values (?)')
  expect(sqlite.prepare('insert into t (name) values (?)')).toBe(insert)
  expect(insert.run('d').changes).toBe(1)
})

test('a statement being iterated is not shared: the second caller gets a fresh one', () => {
  const sqlite = connection()
  cacheStatements(sqlite)
  const sql = 'select name from t order by id'
  const iterating = sqlite.prepare(sql)
  const names: string[] = []
  for (const row of iterating.iterate() as IterableIterator<{ name: string }>) {
    const other = sqlite.prepare(sql)
    expect(other).not.toBe(iterating)
    names.push(row.name, (other.all() as { name: string }[]).length.toString())
  }
  expect(names).toEqual(['a', '3', 'b', '3', 'c', '3'])
  expect(sqlite.prepare(sql)).toBe(iterating)
})

test('the least recently used statement leaves when the cache is full', () => {
  const sqlite = connection()
  cacheStatements(sqlite, 2)
  const a = sqlite.prepare('select 1')
  const b = sqlite.prepare('select 2')
  expect(sqlite.prepare('select 1')).toBe(a) // now b is the oldest
  sqlite.prepare('select 3')
  expect(sqlite.prepare('select 1')).toBe(a)
  expect(sqlite.prepare('select 2')).not.toBe(b)
})

test('after drizzle read rows raw, the same statement prepared again gives objects', () => {
  const db = getDb()
  const user = createUser(db)
  const query = db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, user.id))
  expect(query.get()).toEqual({ id: user.id, username: user.username }) // drizzle's raw() rows, mapped
  const { sql, params } = query.toSQL()
  expect(db.$client.prepare(sql).get(...params)).toEqual({ id: user.id, username: user.username })
})

test('the server connection keeps its statements, and its queries give the same answers twice', () => {
  const db = getDb()
  const user = createUser(db)
  const find = () => db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, user.id)).get()
  const whole = () => db.select().from(users).where(eq(users.id, user.id)).get()
  expect(find()).toEqual({ id: user.id, username: user.username })
  expect(whole()?.username).toBe(user.username)
  expect(find()).toEqual({ id: user.id, username: user.username })
  expect(db.$client.prepare('select 42 as answer')).toBe(db.$client.prepare('select 42 as answer'))
})
