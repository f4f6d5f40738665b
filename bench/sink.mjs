// A server that does nothing with an upload: the reference for bench/chunked-upload.sh
// --sink. It answers every POST to /api/chunked-upload as the protocol does (200, the
// upload's id and the offset after the chunk's Content-Range) once it has read the body to
// its end and thrown it away: no authentication, hashing, writing or database. What a
// client reaches against it, on the same cores in the same run, is what that client can
// do at all; a server that keeps up with it is not the bottleneck of that client.
//
// Usage: node sink.mjs    Prints "listening on PORT" (loopback, free port).
import http from 'node:http'

const uploadId = '0'.repeat(32)

const server = http.createServer((request, response) => {
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(request.headers['content-range'] ?? '')
  request.resume()
  request.on('end', () => {
    if (request.method !== 'POST' || !request.url.startsWith('/api/chunked-upload') || range === null) {
      response.writeHead(400, { 'content-type': 'application/problem+json' })
      response.end(JSON.stringify({ title: 'The sink takes chunks of the django-chunked-upload protocol only' }))
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ upload_id: uploadId, offset: Number(range[2]) + 1 }))
  })
})
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`))
