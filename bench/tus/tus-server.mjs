// @tus/server with its FileStore, the reference the benchmark compares with.
// Usage: node tus-server.mjs DIRECTORY  -> prints "listening on PORT" (loopback, free port)
import http from 'node:http'
import { Server } from '@tus/server'
import { FileStore } from '@tus/file-store'

const directory = process.argv[2]
if (!directory) {
  console.error('usage: node tus-server.mjs DIRECTORY')
  process.exit(2)
}
const tus = new Server({ path: '/files', datastore: new FileStore({ directory }) })
const server = http.createServer((req, res) => tus.handle(req, res))
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`))
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
