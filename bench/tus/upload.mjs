// One upload with tus-js-client, as a Node application would do it.
// Usage: node upload.mjs ENDPOINT FILE CHUNK_BYTES [USER:PASSWORD]
// Prints one line of JSON: {"url": ..., "bytes": ..., "ms": ...}; ms runs from start()
// to onSuccess (the creation POST and every PATCH).
import fs from 'node:fs'
import { Upload } from 'tus-js-client'

const [endpoint, file, chunk, credentials] = process.argv.slice(2)
if (!endpoint || !file || !chunk) {
  console.error('usage: node upload.mjs ENDPOINT FILE CHUNK_BYTES [USER:PASSWORD]')
  process.exit(2)
}
const headers = credentials ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}
const bytes = fs.statSync(file).size

const started = process.hrtime.bigint()
const upload = new Upload(fs.createReadStream(file), {
  endpoint,
  chunkSize: Number(chunk),
  headers,
  metadata: { filename: 'bench.bin', filetype: 'application/octet-stream' },
  retryDelays: null,
  onError(error) {
    console.error(`upload failed: ${error.message}`)
    process.exit(1)
  },
  onSuccess() {
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    console.log(JSON.stringify({ url: upload.url, bytes, ms }))
  },
})
upload.start()
