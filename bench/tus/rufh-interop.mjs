// tus-js-client with protocol 'ietf-draft-05' (Resumable Uploads for HTTP, interop version 6)
// against a running server's /api/rufh, each upload checked by size, MD5 and content through
// /api/uploads/{id}. Usage: node rufh-interop.mjs BASE_URL USER:PASSWORD
// (bench/tus.sh --interop starts a server and runs it after interop.mjs.)
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { FileUrlStorage, Upload } from 'tus-js-client'

const [base, credentials] = process.argv.slice(2)
if (!base || !credentials) {
  console.error('usage: node rufh-interop.mjs BASE_URL USER:PASSWORD')
  process.exit(2)
}
const endpoint = `${base}/api/rufh`
const protocol = 'ietf-draft-05'
const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
const headers = { Authorization: authorization }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rufh-interop-'))
const bytes = crypto.randomBytes(5 * 1024 * 1024 + 12345)
const file = path.join(dir, 'file.bin')
fs.writeFileSync(file, bytes)
const md5 = crypto.createHash('md5').update(bytes).digest('hex')
// For the abort in the middle of one request: large enough that tus-js-client reports progress
// (every 100 ms) before the request ends.
const big = crypto.randomBytes(96 * 1024 * 1024)
const bigMd5 = crypto.createHash('md5').update(big).digest('hex')

// Every request the client sends in a case, with the answer's status: shown when a case fails.
let trace = []
function traced(options) {
  return {
    onBeforeRequest: (req) => {
      trace.push({
        method: req.getMethod(),
        version: req.getHeader('Upload-Draft-Interop-Version'),
        offset: req.getHeader('Upload-Offset'),
        complete: req.getHeader('Upload-Complete'),
      })
    },
    onAfterResponse: (req, res) => {
      const last = trace.findLast((t) => t.method === req.getMethod() && t.status === undefined)
      if (last) {
        last.status = res.getStatus()
        last.answerOffset = res.getHeader('Upload-Offset')
      }
    },
    ...options,
  }
}
const show = () =>
  trace
    .map((t) => `${t.method}${t.offset !== undefined ? ` @${t.offset}` : ''}${t.complete ? ` complete=${t.complete}` : ''}`
      + ` -> ${t.status ?? 'no answer'}${t.answerOffset ? ` (offset ${t.answerOffset})` : ''}`)
    .join('; ')

function upload(input, options) {
  return new Promise((resolve, reject) => {
    const u = new Upload(input, traced({
      endpoint,
      protocol,
      headers,
      retryDelays: [0, 200, 500],
      metadata: { filename: 'rufh-interop.bin', filetype: 'application/octet-stream' },
      ...options,
      onError: reject,
      onSuccess: () => resolve(u),
    }))
    u.start()
  })
}

const idOf = (url) => url.substring(url.lastIndexOf('/') + 1)

async function view(id) {
  const res = await fetch(`${base}/api/uploads/${id}`, { headers })
  return { status: res.status, body: res.status === 200 ? await res.json() : null }
}

// The upload is complete, and its size, MD5 and content are those of `want`.
async function stored(url, want = bytes, wantMd5 = md5) {
  const id = idOf(url)
  const { body } = await view(id)
  const content = Buffer.from(await (await fetch(`${base}/api/uploads/${id}/content`, { headers })).arrayBuffer())
  if (body?.status !== 'complete' || body.size !== want.length || body.md5 !== wantMd5 || !content.equals(want)) {
    throw new Error(`upload ${id}: status ${body?.status}, size ${body?.size}, offset ${body?.offset}, `
      + `md5 ${body?.md5}, ${content.length} bytes of content (want ${want.length}, ${wantMd5})`)
  }
  return body
}

// Starts an upload and aborts it (abort(false)) once `when(accepted)` says so, from onProgress
// (mid-request) or onChunkComplete (between chunks). Resolves with the aborted Upload.
function uploadUntil(input, options, hook, when) {
  return new Promise((resolve, reject) => {
    let stopped = false
    const first = new Upload(input, traced({
      endpoint,
      protocol,
      headers,
      ...options,
      onError: reject,
      [hook]: (...args) => {
        // onProgress(bytesSent, total); onChunkComplete(chunkSize, accepted, total)
        const sent = hook === 'onProgress' ? args[0] : args[1]
        if (!stopped && first.url && when(sent)) {
          stopped = true
          first.abort(false).then(() => resolve(first), reject)
        }
      },
      onSuccess: () => reject(new Error('finished before the abort')),
    }))
    first.start()
  })
}

async function offsetOf(url) {
  const res = await fetch(url, { method: 'HEAD', headers: { ...headers, 'Upload-Draft-Interop-Version': '6' } })
  return Number(res.headers.get('Upload-Offset'))
}

// The server keeps what a broken-off request delivered once that request has ended on its
// side; wait until the offset stops moving, as a client resuming later would see it.
async function settledOffset(url) {
  let last = -1
  for (let i = 0; i < 50; i++) {
    const now = await offsetOf(url)
    if (now === last) {
      return now
    }
    last = now
    await new Promise((r) => setTimeout(r, 100))
  }
  return last
}

const half = bytes.length / 2
const cases = {
  'one request for the whole file (Buffer, default chunkSize)': () => upload(bytes, {}),

  'one request for the whole file (fs.ReadStream, default chunkSize)': () => upload(fs.createReadStream(file), {}),

  'chunks of 1 MiB (Buffer, chunkSize)': () => upload(bytes, { chunkSize: 1024 * 1024 }),

  'chunks of 1 MiB (fs.ReadStream, chunkSize)': () => upload(fs.createReadStream(file), { chunkSize: 1024 * 1024 }),

  'data during creation (Buffer, uploadDataDuringCreation, chunks of 2 MiB)': () =>
    upload(bytes, { chunkSize: 2 * 1024 * 1024, uploadDataDuringCreation: true }),

  'data during creation, whole file in the POST (fs.ReadStream)': () =>
    upload(fs.createReadStream(file), { uploadDataDuringCreation: true }),

  'aborted between chunks half way, resumed by a new Upload with uploadUrl (Buffer)': async () => {
    const first = await uploadUntil(bytes, { chunkSize: 512 * 1024 }, 'onChunkComplete', (accepted) => accepted >= half)
    const before = await settledOffset(first.url)
    if (!(before >= half && before < bytes.length)) {
      throw new Error(`offset after the abort: ${before}`)
    }
    const second = await upload(bytes, { uploadUrl: first.url, chunkSize: 512 * 1024 })
    if (second.url !== first.url) {
      throw new Error(`resumed into another upload: ${second.url}`)
    }
    return second
  },

  'aborted in the middle of one request, resumed by findPreviousUploads + resumeFromPreviousUpload (Buffer of 96 MiB, FileUrlStorage)':
    async () => {
      const urlStorage = new FileUrlStorage(path.join(dir, 'urls.json'))
      const first = await uploadUntil(big, { urlStorage }, 'onProgress', (sent) => sent >= big.length / 2)
      const before = await settledOffset(first.url)
      if (!(before > 0 && before < big.length)) {
        throw new Error(`offset after the abort: ${before}`)
      }
      const options = { endpoint, protocol, headers, urlStorage, retryDelays: [0, 200, 500] }
      const previous = await new Upload(big, options).findPreviousUploads()
      if (previous.length !== 1 || previous[0].uploadUrl !== first.url) {
        throw new Error(`findPreviousUploads: ${JSON.stringify(previous)}`)
      }
      const second = await new Promise((resolve, reject) => {
        const u = new Upload(big, traced({ ...options, onError: reject, onSuccess: () => resolve(u) }))
        u.resumeFromPreviousUpload(previous[0])
        u.start()
      })
      if (second.url !== first.url) {
        throw new Error(`resumed into another upload: ${second.url}`)
      }
      const resumed = trace.filter((t) => t.method === 'PATCH').at(-1)
      if (Number(resumed?.offset) !== before || resumed?.complete !== '?1') {
        throw new Error(`the resuming PATCH: offset ${resumed?.offset} complete ${resumed?.complete}, the server had ${before}`)
      }
      await stored(second.url, big, bigMd5)
      return null
    },

  'termination: abort(true) half way, the upload is gone (HEAD 404, aborted in /api/uploads)': async () => {
    const u = await new Promise((resolve, reject) => {
      let stopped = false
      const first = new Upload(fs.createReadStream(file), traced({
        endpoint,
        protocol,
        headers,
        chunkSize: 512 * 1024,
        onError: reject,
        onChunkComplete: (chunkSize, accepted) => {
          if (!stopped && accepted >= half) {
            stopped = true
            first.abort(true).then(() => resolve(first), reject)
          }
        },
        onSuccess: () => reject(new Error('finished before the abort')),
      }))
      first.start()
    })
    const deleted = trace.find((t) => t.method === 'DELETE')
    if (deleted?.status !== 204) {
      throw new Error(`DELETE answered ${deleted?.status}`)
    }
    const head = await fetch(u.url, { method: 'HEAD', headers: { ...headers, 'Upload-Draft-Interop-Version': '6' } })
    const listed = await view(idOf(u.url))
    if (head.status !== 404 || !(listed.status === 404 || listed.body?.status === 'aborted')) {
      throw new Error(`after DELETE: HEAD ${head.status}, /api/uploads ${listed.status} ${listed.body?.status}`)
    }
    return null
  },

  'Readable stream with uploadSize (chunkSize 1 MiB; an object-mode stream of two pieces, sent as they come)': () =>
    upload(Readable.from([bytes.subarray(0, 3000000), bytes.subarray(3000000)]), {
      chunkSize: 1024 * 1024,
      uploadSize: bytes.length,
    }),

  'Readable stream with uploadLengthDeferred (the length on the last PATCH)': () =>
    upload(Readable.from([bytes.subarray(0, 3000000), bytes.subarray(3000000)]), {
      chunkSize: 1024 * 1024,
      uploadLengthDeferred: true,
    }),
}

let failed = 0
let known = 0
// An fs.ReadStream upload in several requests: the last one says Upload-Complete: ?0
// (lib.esm/node/sources/FileSource.js: `done = stream.size >= this.size`, the slice's length
// against the file's). Recognised by that request, so anything else still counts as a failure.
const knownClientBug = (name) => {
  const patches = trace.filter((t) => t.method === 'PATCH' || t.method === 'POST')
  const last = patches.at(-1)
  return name.includes('fs.ReadStream') && patches.length > 1 && last?.complete === '?0'
    && last.status === 204 && Number(last.answerOffset) === bytes.length
}
for (const [name, run] of Object.entries(cases)) {
  trace = []
  try {
    const u = await run()
    if (u) {
      await stored(u.url)
    }
    console.log(`ok      ${name}`)
  }
  catch (error) {
    if (knownClientBug(name)) {
      known++
      console.log(`CLIENT  ${name}: ${error.message}`)
      console.log('        tus-js-client 4.3.1 bug: its Node FileSource says done only for a slice as long as the')
      console.log('        whole file, so the last of several requests carries Upload-Complete: ?0 and the')
      console.log('        upload is left incomplete while the client reports success')
    }
    else {
      failed++
      console.log(`FAILED  ${name}: ${error.message}`)
    }
    console.log(`        requests: ${show()}`)
  }
  if (process.env.RUFH_INTEROP_TRACE) {
    console.log(`        requests: ${show()}`)
  }
}
console.log(`${Object.keys(cases).length - failed - known} ok, ${known} failed by the known client bug, ${failed} failed`)
fs.rmSync(dir, { recursive: true, force: true })
process.exit(failed ? 1 : 0)
