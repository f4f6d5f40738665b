/*
 * The upload page: jQuery-File-Upload sends each file in chunks, as raw request bodies
 * (no multipart parsing on the server), to the django-chunked-upload endpoints.
 *
 * Per file (a Transfer):
 * - its own upload_id, remembered in localStorage under (user, name, size, last
 *   modified), so choosing the same file after a reload, a network loss or a server
 *   restart asks the server for its offset and continues there;
 * - its own MD5, computed in a Web Worker from the slices as they are sent
 *   (md5-worker.js); completion is posted only once that hash is ready;
 * - retries with exponential back-off for what may pass (no connection, 409 busy,
 *   5xx), a resync when the server says it is at another offset, and a message in
 *   words for what will not pass.
 *
 * The rows, the line of files waiting for a slot and the drop zone are the shared
 * TransferList (transfer-list.js); this script drives jQuery-File-Upload and the protocol.
 */
(function ($) {
  'use strict';

  var page = document.getElementById('upload-page');
  var config = {
    chunkUrl: page.getAttribute('data-chunk-url'),
    completeUrl: page.getAttribute('data-complete-url'),
    chunkSize: parseInt(page.getAttribute('data-chunk-size'), 10),
    parallel: parseInt(page.getAttribute('data-parallel-uploads'), 10) || 1,
    uploadsUrl: page.getAttribute('data-uploads-url')
  };
  var userMeta = document.querySelector('meta[name="user"]');
  var storagePrefix = 'chunked-upload:' + (userMeta ? userMeta.getAttribute('content') : '') + ':';
  var MAX_RETRIES = 8;
  var FIRST_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;

  var list = TransferList.create({
    element: document.getElementById('transfers'),
    template: document.getElementById('transfer-template'),
    key: storageKey,
    slots: function () {
      return config.parallel;
    },
    // Nothing is being sent then: there is nothing a pause would stop.
    noPause: ['hashing', 'completing']
  });

  /* localStorage: the upload id of a file this user started and did not finish. */

  function storageKey(file) {
    return storagePrefix + JSON.stringify([file.name, file.size, file.lastModified]);
  }

  function recall(file) {
    try {
      return window.localStorage.getItem(storageKey(file));
    } catch (ignored) {
      return null;
    }
  }

  function remember(file, uploadId) {
    try {
      window.localStorage.setItem(storageKey(file), uploadId);
    } catch (ignored) {
      // private mode or full: the upload still works, it just cannot resume after a reload
    }
  }

  function forget(file) {
    try {
      window.localStorage.removeItem(storageKey(file));
    } catch (ignored) {
      // nothing to do
    }
  }

  /* Answers of the server. */

  function problemOf(xhr) {
    if (xhr.responseJSON && typeof xhr.responseJSON === 'object') {
      return xhr.responseJSON;
    }
    try {
      return JSON.parse(xhr.responseText);
    } catch (ignored) {
      return null;
    }
  }

  function problemType(problem) {
    var type = problem && typeof problem.type === 'string' ? problem.type : '';
    return type.substring(type.lastIndexOf('/') + 1);
  }

  /* "Range: 0-N" means the server holds N+1 bytes. */
  function rangeOffset(xhr) {
    var range = xhr.getResponseHeader('Range');
    var match = range && /^(?:bytes=)?0-(\d+)$/.exec(range.trim());
    return match ? parseInt(match[1], 10) + 1 : null;
  }

  function isTransient(status, type) {
    return TransferList.transient(status) || type === 'chunk-interrupted';
  }

  function describe(status, problem) {
    var detail = problem && problem.detail ? problem.detail : '';
    var type = problemType(problem);
    return TransferList.describe(status, detail, function () {
      if (status === 413) {
        return 'The server refuses a chunk this large' + (detail ? ': ' + detail : '.');
      }
      if (type === 'md5-mismatch') {
        return 'The MD5 of this file does not match the bytes the server received: was the file changed while it '
          + 'was sent? Delete this upload in "My uploads" and send the file again.';
      }
      return type === 'upload-too-large' ? TransferList.tooLarge(detail) : null;
    });
  }

  /* A file; at most config.parallel of them send at once (see list), the others wait in line. */
  function Transfer(file, data) {
    this.file = file;
    this.data = data;
    data.transfer = this;
    this.uploadId = recall(file);
    this.offset = 0;
    this.retries = 0;
    this.md5 = null;
    this.hasher = null;
    this.request = null;
    this.timer = null;
    this.paused = false;
    this.cancelled = false;
    this.row = list.row(file, this);
    this.row.set('data-upload-id', this.uploadId);
  }

  Transfer.prototype.stopped = function () {
    return this.paused || this.cancelled;
  };

  /* Start or continue: ask the server how far a remembered upload got. */
  Transfer.prototype.start = function () {
    var self = this;
    if (!this.uploadId) {
      this.offset = 0;
      this.send();
      return;
    }
    this.row.show('checking', 'Asking the server how far this file got…');
    this.request = $.ajax({
      url: config.chunkUrl + '/' + encodeURIComponent(this.uploadId),
      method: 'GET',
      dataType: 'json',
      cache: false
    }).done(function (status, textStatus, xhr) {
      self.request = null;
      if (self.stopped()) {
        return;
      }
      if (status.status === 'complete') {
        self.alreadyComplete();
        return;
      }
      if (status.status !== 'uploading' || (status.total !== null && status.total !== self.file.size)) {
        self.startOver();
        return;
      }
      var offset = rangeOffset(xhr);
      self.offset = offset !== null ? offset : status.offset;
      self.resumedAt = self.offset;
      self.row.set('data-resumed-at', self.offset);
      self.row.progress(self.offset);
      if (self.offset >= self.file.size) {
        self.finish();
      } else {
        self.send();
      }
    }).fail(function (xhr) {
      self.request = null;
      if (self.stopped()) {
        return;
      }
      if (xhr.status === 404 || xhr.status === 410) {
        self.startOver();
        return;
      }
      self.failed(xhr, 'check');
    });
  };

  /* The remembered upload is gone, expired or of another file: a new one. */
  Transfer.prototype.startOver = function () {
    forget(this.file);
    this.uploadId = null;
    this.row.set('data-upload-id', null);
    this.offset = 0;
    this.send();
  };

  Transfer.prototype.startWorker = function () {
    var self = this;
    if (this.hasher) {
      return;
    }
    this.hasher = TransferList.md5(this.file, page, {
      progress: function (hashed) {
        if (self.row.state === 'hashing') {
          self.row.hashing(hashed);
        }
      },
      done: function (md5) {
        self.md5 = md5;
        self.row.set('data-client-md5', md5);
        self.stopWorker();
        if (self.row.state === 'hashing') {
          self.complete();
        }
      },
      error: function (reason, scriptFailed) {
        self.row.fail(scriptFailed ? 'The MD5 of this file could not be computed: ' + reason + '.'
          : 'This file could not be read (was it moved or changed?): ' + reason);
      }
    });
  };

  Transfer.prototype.stopWorker = function () {
    if (this.hasher) {
      this.hasher.stop();
      this.hasher = null;
    }
  };

  /* The bytes [start, start + blob.size) of the file, as they go out. */
  Transfer.prototype.hash = function (blob, start) {
    this.startWorker();
    this.hasher.slice(blob, start);
  };

  Transfer.prototype.url = function () {
    return config.chunkUrl + (this.uploadId ? '?upload_id=' + encodeURIComponent(this.uploadId) : '');
  };

  Transfer.prototype.send = function () {
    var data = this.data;
    var size = this.file.size;
    if (size > 0 && this.offset >= size) {
      // The server has every byte (the answer to the last chunk got lost).
      this.finish();
      return;
    }
    this.startWorker();
    data.uploadedBytes = this.offset;
    data.url = this.url();
    data.contentRange = undefined;
    if (this.offset === 0 && size > 0 && size <= config.chunkSize) {
      // jQuery-File-Upload sends a file that fits in one chunk as one plain request,
      // without Content-Range and without the chunk callbacks: say the range anyway,
      // so the server checks the length, and hash the file here.
      data.contentRange = 'bytes 0-' + (size - 1) + '/' + size;
      this.hash(this.file, 0);
    }
    this.sendStarted = Date.now();
    this.row.uploading(this.resumedAt);
    this.row.progress(this.offset);
    this.request = data.submit();
  };

  /* A chunk was stored: the server's offset (from its Range header) is the truth. */
  Transfer.prototype.chunkDone = function (result, uploadedBytes) {
    if (!this.uploadId && result && result.upload_id) {
      this.uploadId = result.upload_id;
      remember(this.file, this.uploadId);
      this.row.set('data-upload-id', this.uploadId);
    }
    this.offset = uploadedBytes;
    this.retries = 0;
  };

  Transfer.prototype.progress = function (loaded, bitrate) {
    if (this.row.state === 'uploading') {
      // jQuery-File-Upload measures the speed itself, in bits per second.
      this.row.stats(this.row.progress(loaded) + ' %', loaded, bitrate / 8);
    }
  };

  /* Every byte is on the server. */
  Transfer.prototype.sent = function (result) {
    this.request = null;
    if (this.cancelled) {
      return;
    }
    if (!this.uploadId && result && result.upload_id) {
      this.chunkDone(result, this.file.size);
    }
    this.offset = this.file.size;
    this.row.progress(this.offset);
    if (this.paused) {
      return;
    }
    this.finish();
  };

  /* Completion waits for this file's MD5. */
  Transfer.prototype.finish = function () {
    if (this.md5) {
      this.complete();
      return;
    }
    this.row.show('hashing', 'Finishing the MD5…');
    this.startWorker();
    this.hasher.finish();
  };

  Transfer.prototype.complete = function () {
    var self = this;
    this.row.show('completing', 'Completing…');
    this.request = $.ajax({
      url: config.completeUrl,
      method: 'POST',
      data: { upload_id: this.uploadId, md5: this.md5 },
      dataType: 'json',
      headers: Csrf.headers()
    }).done(function (result) {
      self.request = null;
      if (!self.stopped()) {
        self.completed(result.md5);
      }
    }).fail(function (xhr) {
      self.request = null;
      self.failed(xhr, 'complete');
    });
  };

  Transfer.prototype.completed = function (md5) {
    forget(this.file);
    this.stopWorker();
    this.row.progress(this.file.size);
    this.row.showMd5(md5);
    this.row.show('complete', 'Complete');
    this.row.release();
    TransferList.uploadsChanged();
  };

  /* The server completed it already (the answer to our completion got lost). */
  Transfer.prototype.alreadyComplete = function () {
    var self = this;
    $.ajax({
      url: config.uploadsUrl + '/' + encodeURIComponent(this.uploadId),
      dataType: 'json',
      cache: false
    }).done(function (upload) {
      self.completed(upload.md5);
    }).fail(function (xhr) {
      self.failed(xhr, 'check');
    });
  };

  Transfer.prototype.failed = function (xhr, phase) {
    if (this.stopped()) {
      return;
    }
    var problem = problemOf(xhr);
    var type = problemType(problem);
    if ((type === 'offset-mismatch' || type === 'upload-incomplete') && problem && typeof problem.offset === 'number'
      && this.retries < MAX_RETRIES) {
      // The server holds a different number of bytes (say, a chunk whose answer was
      // lost): continue from what it has.
      this.retries += 1;
      this.offset = problem.offset;
      this.send();
      return;
    }
    if (type === 'upload-complete' && this.retries < MAX_RETRIES) {
      this.retries += 1;
      this.start();
      return;
    }
    if (isTransient(xhr.status, type)) {
      this.retryLater(xhr.status, phase);
      return;
    }
    if (xhr.status === 404 || xhr.status === 410 || type === 'md5-mismatch') {
      forget(this.file);
    }
    this.row.fail(describe(xhr.status, problem));
  };

  Transfer.prototype.retryLater = function (status, phase) {
    var self = this;
    this.retries += 1;
    if (this.retries > MAX_RETRIES) {
      this.pause((status === 0 ? 'The server cannot be reached' : 'The server keeps failing (HTTP ' + status + ')')
        + ' after ' + MAX_RETRIES + ' attempts. Resume to try again.');
      return;
    }
    var delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, this.retries - 1));
    delay = Math.round(delay * (0.8 + Math.random() * 0.4));
    this.retryPhase = phase;
    this.row.show('retrying', TransferList.retrying(status, this.retries, MAX_RETRIES,
      Math.max(1, Math.round(delay / 1000))));
    this.timer = window.setTimeout(function () {
      self.timer = null;
      self.retry();
    }, delay);
  };

  Transfer.prototype.retry = function () {
    if (this.timer) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.stopped()) {
      return;
    }
    if (this.retryPhase === 'complete' && this.md5) {
      this.complete();
    } else {
      this.start();
    }
  };

  Transfer.prototype.abortRequest = function () {
    if (this.timer) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.request && this.request.abort) {
      this.request.abort();
    }
    this.request = null;
  };

  Transfer.prototype.pause = function (text) {
    if (this.row.final() || this.paused) {
      return;
    }
    this.paused = true;
    this.abortRequest();
    this.row.halt('paused', text || 'Paused.');
  };

  Transfer.prototype.resume = function () {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.retries = 0;
    this.resumedAt = null;
    this.row.enqueue();
  };

  Transfer.prototype.cancel = function () {
    if (this.row.final()) {
      return;
    }
    this.cancelled = true;
    this.stop();
    this.row.release();
    forget(this.file);
    this.row.cancelled(this.uploadId ? deleteUpload(this.uploadId, 5, 500) : null);
  };

  Transfer.prototype.stop = function () {
    this.abortRequest();
    this.stopWorker();
  };

  /* A chunk still being written holds the upload for a moment (409): try a few times. */
  function deleteUpload(uploadId, attempts, delay) {
    return Csrf.fetch(config.chunkUrl + '/' + encodeURIComponent(uploadId), { method: 'DELETE' })
      .then(function (response) {
        if (response.ok || response.status === 404) {
          return response;
        }
        throw new Error('HTTP ' + response.status);
      })
      .catch(function (error) {
        if (attempts <= 1) {
          throw error;
        }
        return new Promise(function (resolve) {
          window.setTimeout(resolve, delay);
        }).then(function () {
          return deleteUpload(uploadId, attempts - 1, delay * 2);
        });
      });
  }

  function startOf(contentRange) {
    var match = /^bytes (\d+)-/.exec(contentRange || '');
    return match ? parseInt(match[1], 10) : 0;
  }

  $('#file-input').fileupload({
    url: config.chunkUrl,
    dataType: 'json',
    multipart: false,
    maxChunkSize: config.chunkSize,
    headers: Csrf.headers(),
    dropZone: $('#drop-zone'),
    pasteZone: null,
    progressInterval: 250,
    bitrateInterval: 1000,
    add: function (event, data) {
      list.choose(data.files[0], function (file) {
        return new Transfer(file, data);
      });
    },
    send: function (event, options) {
      options.contentType = 'application/octet-stream';
    },
    chunkbeforesend: function (event, options) {
      // The upload id is known only after the first chunk.
      options.url = options.transfer.url();
      options.transfer.hash(options.blob, startOf(options.contentRange));
    },
    chunksend: function (event, options) {
      // jQuery-File-Upload would send the file's own type; the server wants raw bytes.
      options.contentType = 'application/octet-stream';
    },
    chunkdone: function (event, options) {
      options.transfer.chunkDone(options.result, options.uploadedBytes);
    },
    progress: function (event, data) {
      data.transfer.progress(data.loaded, data.bitrate);
    },
    done: function (event, data) {
      data.transfer.sent(data.result);
    },
    fail: function (event, data) {
      var transfer = data.transfer;
      transfer.request = null;
      if (data.errorThrown === 'abort' && transfer.stopped()) {
        return;
      }
      transfer.failed(data.jqXHR || { status: 0, getResponseHeader: function () {
        return null;
      } }, 'chunk');
    }
  });

  // jQuery-File-Upload takes the files dropped on the zone itself.
  TransferList.dropZone(document.getElementById('drop-zone'));

  // Uploads that are over (complete, expired, deleted) need no resume entry any more.
  TransferList.pruneStorage(storagePrefix, function (upload) {
    return upload.status !== 'uploading';
  }, function (uploadId) {
    return uploadId;
  });

  // Back online: do not wait for the back-off to run out.
  list.whenOnline('retrying', function (transfer) {
    transfer.retry();
  });

  page.setAttribute('data-ready', 'true');
})(window.jQuery);
