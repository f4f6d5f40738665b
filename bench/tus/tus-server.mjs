// @tus/server, the reference the benchmark compares with, with its FileStore or with
// @tus/s3-store's S3Store.
// Usage: node tus-server.mjs DIRECTORY                  FileStore in DIRECTORY
//        node tus-server.mjs --s3 ENDPOINT BUCKET       S3Store (path-style, credentials
//                                                       from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
// Prints "listening on PORT" (loopback, free port).
import http from 'node:http'
import { Server } from '@tus/server'

const args = process.argv.slice(2)
let datastore
if (args[0] === '--s3' && args.length === 3) {
  const { S3Store } = await import('@tus/s3-store')
  datastore = new S3Store({
    // The default part size, stated: tus-js-client's 8 MiB chunks are one part each.
    partSize: 8 * 1024 * 1024,
    s3ClientConfig: {
      endpoint: args[1],
      bucket: args[2],
      region: process.env.AWS_REGION || 'us-east-1',
      forcePathStyle: true,
      // The SDK's default since 3.729 adds a CRC32 trailer in aws-chunked encoding to every
      // upload; S3Proxy 4.0.0 drops the connection on streamed bodies sent that way
      // (EPIPE on the incomplete part's PutObject). Checksums only where S3 requires them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },
    },
  })
} else if (args.length === 1 && !args[0].startsWith('--')) {
  const { FileStore } = await import('@tus/file-store')
  datastore = new FileStore({ directory: args[0] })
} else {
  console.error('usage: node tus-server.mjs DIRECTORY | node tus-server.mjs --s3 ENDPOINT BUCKET')
  process.exit(2)
}
const tus = new Server({ path: '/files', datastore })
const server = http.createServer((req, res) => tus.handle(req, res))
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`))
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
