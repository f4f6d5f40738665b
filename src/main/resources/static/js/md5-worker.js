/*
 * The MD5 of one file, computed off the page's thread with SparkMD5. The page hands
 * over each slice as it sends it, so the hash is ready when the last chunk is. Bytes
 * the server already had (an upload resumed after a reload) were never sent by this
 * page: they are read from the file itself. A slice sent again (a retried chunk) is
 * hashed once.
 *
 * In:  {type: 'start', library: <SparkMD5 script URL>, file: File}
 *      {type: 'slice', start: <offset in the file>, blob: Blob}
 *      {type: 'finish', size: <file size>}
 * Out: {type: 'progress', hashed: <bytes>}
 *      {type: 'done', md5: <hex>, hashed: <bytes>}
 *      {type: 'error', message: <text>}
 */
/* global SparkMD5, FileReaderSync, importScripts */
'use strict';

var READ_SIZE = 8 * 1024 * 1024;
var spark = null;
var file = null;
var hashed = 0;
var reader = null;

function append(blob) {
  spark.append(reader.readAsArrayBuffer(blob));
  hashed += blob.size;
}

/* Hash the file's own bytes up to `end`: those the page did not hand over. */
function catchUp(end) {
  while (hashed < end) {
    append(file.slice(hashed, Math.min(end, hashed + READ_SIZE)));
    self.postMessage({ type: 'progress', hashed: hashed });
  }
}

self.onmessage = function (event) {
  var message = event.data;
  try {
    if (message.type === 'start') {
      if (typeof SparkMD5 === 'undefined') {
        importScripts(message.library);
      }
      spark = new SparkMD5.ArrayBuffer();
      reader = new FileReaderSync();
      file = message.file;
      hashed = 0;
    } else if (message.type === 'slice') {
      catchUp(message.start);
      var end = message.start + message.blob.size;
      if (end > hashed) {
        append(message.blob.slice(hashed - message.start));
      }
      self.postMessage({ type: 'progress', hashed: hashed });
    } else if (message.type === 'finish') {
      catchUp(message.size);
      self.postMessage({ type: 'done', md5: spark.end(), hashed: hashed });
    }
  } catch (error) {
    self.postMessage({ type: 'error', message: String((error && error.message) || error) });
  }
};
