// Several tus-js-client uploads at once in one Node process, as a Node application (or a
// page with several files) would run them.
// Usage: node many.mjs ENDPOINT FILE CHUNK_BYTES UPLOADS [USER:PASSWORD] [--urls OUT] [--timeout SECONDS]
//
// Starts UPLOADS uploads of FILE, each from its own fs.createReadStream of it, all
// start()ed in one go, each in chunks of CHUNK_BYTES. tus-js-client's Node HTTP stack
// calls http.request without an agent, so every request goes through Node's
// http.globalAgent: one keep-alive agent (since Node 19) without a socket limit, so at
// most one connection per upload in flight, reused from chunk to chunk.
//
// Prints one line of JSON:
//   uploads, bytes       the uploads and the bytes of all of them
//   ms                   wall time from the first start() to the last onSuccess
//   mb_per_s             bytes / ms, MB = 10^6 bytes
//   chunks, chunks_per_s the PATCH requests answered, and per second of the wall time
//   p50_ms ... max_ms    PATCH latency: from the request's start (onBeforeRequest, the
//                        chunk's bytes already opened) to its answer read in full
//                        (onAfterResponse), nearest-rank percentiles
//   connections          the TCP connections the PATCH requests went over
//   failures             uploads that failed (or did not finish within --timeout)
// and, with --urls OUT, writes every upload's URL to OUT, one a line. Any failure: the
// errors go to stderr and the exit status is 1.
import fs from 'node:fs'
import { Upload } from 'tus-js-client'

const positional = []
let urlsFile = null
let timeoutSeconds = 900
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--urls') urlsFile = argv[++i]
  else if (argv[i] === '--timeout') timeoutSeconds = Number(argv[++i])
  else positional.push(argv[i])
}
const [endpoint, file, chunkArg, uploadsArg, credentials] = positional
const chunkSize = Number(chunkArg)
const count = Number(uploadsArg)
if (!endpoint || !file || !(chunkSize >= 1) || !Number.isInteger(count) || count < 1 || !(timeoutSeconds > 0)) {
  console.error('usage: node many.mjs ENDPOINT FILE CHUNK_BYTES UPLOADS [USER:PASSWORD] [--urls OUT] [--timeout SECONDS]')
  process.exit(2)
}
const headers = credentials ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}
const size = fs.statSync(file).size

// Keyed by tus-js-client's request object: one per HTTP request, passed to both hooks.
const sentAt = new Map()
const latencies = []
// The TCP connections the PATCH requests went over (the keep-alive agent reuses them).
const sockets = new WeakSet()
let connections = 0
const failures = []
const uploads = []
const settledUploads = new Set()
let finished = false

function percentile(sorted, p) {
  if (sorted.length === 0) return 0
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}
const round2 = (x) => Math.round(x * 100) / 100

function finish() {
  if (finished) return
  finished = true
  clearTimeout(timer)
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  const sorted = Float64Array.from(latencies).sort()
  const completed = count - failures.length
  const bytes = completed * size
  const result = {
    uploads: count,
    bytes,
    ms: round2(ms),
    mb_per_s: round2(bytes / 1e6 / (ms / 1e3)),
    chunks: latencies.length,
    chunks_per_s: round2(latencies.length / (ms / 1e3)),
    p50_ms: round2(percentile(sorted, 50)),
    p90_ms: round2(percentile(sorted, 90)),
    p99_ms: round2(percentile(sorted, 99)),
    max_ms: round2(sorted.length ? sorted[sorted.length - 1] : 0),
    connections,
    failures: failures.length,
  }
  if (urlsFile) fs.writeFileSync(urlsFile, uploads.map((u) => `${u.url ?? ''}\n`).join(''))
  console.log(JSON.stringify(result))
  if (failures.length > 0) {
    for (const { index, message } of failures.slice(0, 10)) console.error(`upload ${index} failed: ${message}`)
    if (failures.length > 10) console.error(`... and ${failures.length - 10} more`)
    process.exit(1)
  }
  process.exit(0)
}

function settled(index) {
  settledUploads.add(index)
  if (settledUploads.size === count) finish()
}

for (let index = 0; index < count; index++) {
  const upload = new Upload(fs.createReadStream(file), {
    endpoint,
    chunkSize,
    headers,
    metadata: { filename: `bench-${index}.bin`, filetype: 'application/octet-stream' },
    retryDelays: null,
    onBeforeRequest(req) {
      if (req.getMethod() === 'PATCH') sentAt.set(req, process.hrtime.bigint())
    },
    onAfterResponse(req) {
      const start = sentAt.get(req)
      if (start !== undefined) {
        sentAt.delete(req)
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
        const socket = req.getUnderlyingObject()?.socket
        if (socket && !sockets.has(socket)) {
          sockets.add(socket)
          connections++
        }
      }
    },
    onError(error) {
      failures.push({ index, message: error.message })
      settled(index)
    },
    onSuccess() {
      settled(index)
    },
  })
  uploads.push(upload)
}

const timer = setTimeout(() => {
  for (let index = 0; index < count; index++) {
    if (!settledUploads.has(index)) {
      failures.push({ index, message: `not finished within ${timeoutSeconds} s` })
      uploads[index].abort().catch(() => {})
    }
  }
  finish()
}, timeoutSeconds * 1000)

const started = process.hrtime.bigint()
for (const upload of uploads) upload.start()
