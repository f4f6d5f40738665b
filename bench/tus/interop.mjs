// tus-js-client's features against a running server, each upload checked byte for byte
// through /api/uploads. Usage: node interop.mjs BASE_URL USER:PASSWORD
// (bench/tus.sh --interop starts a server and runs it.)
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { Upload } from 'tus-js-client'

const [base, credentials] = process.argv.slice(2)
if (!base || !credentials) {
  console.error('usage: node interop.mjs BASE_URL USER:PASSWORD')
  process.exit(2)
}
const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`
const headers = { Authorization: authorization }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tus-interop-'))
const bytes = crypto.randomBytes(5 * 1024 * 1024 + 12345)
const file = path.join(dir, 'file.bin')
fs.writeFileSync(file, bytes)
const md5 = crypto.createHash('md5').update(bytes).digest('hex')

function upload(input, options) {
  return new Promise((resolve, reject) => {
    const u = new Upload(input, {
      endpoint: `${base}/api/tus`,
      headers,
      retryDelays: [0, 200, 500],
      metadata: { filename: 'interop.bin', filetype: 'application/octet-stream' },
      ...options,
      onError: reject,
      onSuccess: () => resolve(u),
    })
    u.start()
  })
}

async function stored(url) {
  const id = url.substring(url.lastIndexOf('/') + 1)
  const view = await (await fetch(`${base}/api/uploads/${id}`, { headers })).json()
  const content = Buffer.from(await (await fetch(`${base}/api/uploads/${id}/content`, { headers })).arrayBuffer())
  if (view.status !== 'complete' || view.md5 !== md5 || !content.equals(bytes)) {
    throw new Error(`upload ${id}: status ${view.status}, md5 ${view.md5}, ${content.length} bytes`)
  }
  return view
}

const cases = {
  'one PATCH for the whole file (default chunkSize)': () => upload(fs.createReadStream(file), {}),
  'chunks of 1 MiB': () => upload(fs.createReadStream(file), { chunkSize: 1024 * 1024 }),
  'data during creation': () =>
    upload(fs.createReadStream(file), { chunkSize: 2 * 1024 * 1024, uploadDataDuringCreation: true }),
  'deferred length from a stream': () =>
    upload(Readable.from([bytes.subarray(0, 3000000), bytes.subarray(3000000)]), {
      chunkSize: 1024 * 1024,
      uploadLengthDeferred: true,
    }),
  'POST with X-HTTP-Method-Override: PATCH': () =>
    upload(fs.createReadStream(file), { chunkSize: 1024 * 1024, overridePatchMethod: true }),
  'parallelUploads: 4 (concatenation)': () =>
    upload(fs.createReadStream(file), { parallelUploads: 4, chunkSize: 1024 * 1024 }),
  'pause and resume from the upload URL': async () => {
    let first
    await new Promise((resolve, reject) => {
      first = new Upload(fs.createReadStream(file), {
        endpoint: `${base}/api/tus`,
        headers,
        chunkSize: 512 * 1024,
        onError: reject,
        onChunkComplete: (chunkSize, accepted) => {
          if (accepted >= 2 * 1024 * 1024) {
            first.abort().then(resolve)
          }
        },
        onSuccess: () => reject(new Error('finished before the pause')),
      })
      first.start()
    })
    return upload(fs.createReadStream(file), { uploadUrl: first.url, chunkSize: 512 * 1024 })
  },
  'termination': async () => {
    const u = await upload(fs.createReadStream(file), { chunkSize: 2 * 1024 * 1024 })
    await Upload.terminate(u.url, { headers })
    const head = await fetch(u.url, { method: 'HEAD', headers: { ...headers, 'Tus-Resumable': '1.0.0' } })
    if (head.status !== 404) {
      throw new Error(`HEAD after termination: ${head.status}`)
    }
    return null
  },
}

let failed = 0
for (const [name, run] of Object.entries(cases)) {
  try {
    const u = await run()
    if (u) {
      await stored(u.url)
    }
    console.log(`ok      ${name}`)
  }
  catch (error) {
    failed++
    console.log(`FAILED  ${name}: ${error.message}`)
  }
}
fs.rmSync(dir, { recursive: true, force: true })
process.exit(failed ? 1 : 0)
