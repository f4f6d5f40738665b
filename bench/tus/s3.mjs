// The few S3 calls bench/tus.sh --store s3 needs, against the local S3Proxy.
// Usage: node s3.mjs ENDPOINT create-bucket BUCKET
//        node s3.mjs ENDPOINT md5 BUCKET KEY       -> prints the object's MD5 (hex), streamed
// Path-style; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
import crypto from 'node:crypto'
import { S3Client, CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3'

const [endpoint, command, bucket, key] = process.argv.slice(2)
const s3 = new S3Client({
  endpoint,
  region: process.env.AWS_REGION || 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
})
if (command === 'create-bucket' && bucket) {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
} else if (command === 'md5' && bucket && key) {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  const hash = crypto.createHash('md5')
  for await (const piece of object.Body) hash.update(piece)
  console.log(hash.digest('hex'))
} else {
  console.error('usage: node s3.mjs ENDPOINT create-bucket BUCKET | node s3.mjs ENDPOINT md5 BUCKET KEY')
  process.exit(2)
}
