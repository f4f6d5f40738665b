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
 */
(function ($) {
  'use strict';

  var page = document.getElementById('upload-page');
  var config = {
    chunkUrl: page.getAttribute('data-chunk-url'),
    completeUrl: page.getAttribute('data-complete-url'),
    chunkSize: parseInt(page.getAttribute('data-chunk-size'), 10),
    parallel: parseInt(page.getAttribute('data-parallel-uploads'), 10) || 1,
    uploadsUrl: page.getAttribute('data-uploads-url'),
    workerUrl: page.getAttribute('data-worker-url'),
    sparkMd5Url: page.getAttribute('data-spark-md5-url')
  };
  var userMeta = document.querySelector('meta[name="user"]');
  var storagePrefix = 'chunked-upload:' + (userMeta ? userMeta.getAttribute('content') : '') + ':';
  var MAX_RETRIES = 8;
  var FIRST_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;
  var FINAL = { complete: true, failed: true, cancelled: true };

  var list = document.getElementById('transfers');
  var template = document.getElementById('transfer-template');
  var transfers = [];
  var queue = [];
  var running = 0;

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
    return status === 0 || status === 408 || status === 409 || status === 425 || status === 429
      || status >= 500 || type === 'chunk-interrupted';
  }

  function describe(status, problem) {
    var detail = problem && problem.detail ? problem.detail : '';
    var type = problemType(problem);
    if (status === 401) {
      return 'Your session has ended. Log in again, then choose the file again: it continues where it stopped.';
    }
    if (status === 403) {
      return 'The server refused the request' + (detail ? ' (' + detail + ')' : '')
        + '. Reload the page and choose the file again.';
    }
    if (status === 404) {
      return 'The server no longer has this upload (it was deleted). Choose the file again to start over.';
    }
    if (status === 410) {
      return 'The upload expired on the server after staying idle too long. Choose the file again to start over.';
    }
    if (status === 413) {
      return 'The server refuses a chunk this large' + (detail ? ': ' + detail : '.');
    }
    if (type === 'md5-mismatch') {
      return 'The MD5 of this file does not match the bytes the server received: was the file changed while it was '
        + 'sent? Delete this upload in "My uploads" and send the file again.';
    }
    if (type === 'upload-too-large') {
      return 'The file is larger than the server accepts' + (detail ? ': ' + detail : '.');
    }
    return detail || ('The upload failed (HTTP ' + status + ').');
  }

  /* Slots: at most config.parallel files send at once, the others wait in line. */

  function pump() {
    while (running < config.parallel && queue.length > 0) {
      var transfer = queue.shift();
      running += 1;
      transfer.slot = true;
      transfer.begin();
    }
  }

  function Transfer(file, data) {
    this.file = file;
    this.data = data;
    data.transfer = this;
    this.uploadId = recall(file);
    this.offset = 0;
    this.retries = 0;
    this.md5 = null;
    this.worker = null;
    this.hashing = false;
    this.request = null;
    this.timer = null;
    this.slot = false;
    this.paused = false;
    this.cancelled = false;
    this.state = null;
    this.build();
    transfers.push(this);
  }

  Transfer.prototype.build = function () {
    var self = this;
    var root = template.content.firstElementChild.cloneNode(true);
    this.view = {
      root: root,
      name: root.querySelector('.transfer-name'),
      size: root.querySelector('.transfer-size'),
      bar: root.querySelector('.bar'),
      fill: root.querySelector('.bar-fill'),
      state: root.querySelector('.transfer-state'),
      stats: root.querySelector('.transfer-stats'),
      md5: root.querySelector('.transfer-md5'),
      pause: root.querySelector('.pause'),
      resume: root.querySelector('.resume'),
      cancel: root.querySelector('.cancel'),
      dismiss: root.querySelector('.dismiss')
    };
    this.view.name.textContent = this.file.name;
    this.view.size.textContent = Format.bytes(this.file.size);
    root.setAttribute('data-name', this.file.name);
    this.view.pause.addEventListener('click', function () {
      self.pause('Paused.');
    });
    this.view.resume.addEventListener('click', function () {
      self.resume();
    });
    this.view.cancel.addEventListener('click', function () {
      self.cancel();
    });
    this.view.dismiss.addEventListener('click', function () {
      root.parentNode.removeChild(root);
      transfers.splice(transfers.indexOf(self), 1);
    });
    list.appendChild(root);
  };

  Transfer.prototype.show = function (state, text) {
    this.state = state;
    var view = this.view;
    view.root.setAttribute('data-state', state);
    view.state.textContent = text;
    var final = FINAL[state] === true;
    view.pause.hidden = final || state === 'paused' || state === 'hashing' || state === 'completing';
    view.resume.hidden = state !== 'paused';
    view.cancel.hidden = final;
    view.dismiss.hidden = !final;
    if (state !== 'uploading') {
      view.stats.textContent = '';
    }
    if (this.uploadId) {
      view.root.setAttribute('data-upload-id', this.uploadId);
    }
  };

  Transfer.prototype.showProgress = function (loaded) {
    var size = this.file.size;
    var percent = size > 0 ? Math.min(100, Math.floor((loaded / size) * 100)) : 100;
    this.view.fill.style.width = percent + '%';
    this.view.bar.setAttribute('aria-valuenow', String(percent));
    this.view.root.setAttribute('data-loaded', String(loaded));
    return percent;
  };

  Transfer.prototype.stopped = function () {
    return this.paused || this.cancelled;
  };

  Transfer.prototype.enqueue = function () {
    this.show('queued', 'Waiting for its turn…');
    queue.push(this);
    pump();
  };

  Transfer.prototype.release = function () {
    if (this.slot) {
      this.slot = false;
      running -= 1;
      window.setTimeout(pump, 0);
    }
  };

  /* Start or continue: ask the server how far a remembered upload got. */
  Transfer.prototype.begin = function () {
    var self = this;
    if (!this.uploadId) {
      this.offset = 0;
      this.send();
      return;
    }
    this.show('checking', 'Asking the server how far this file got…');
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
      self.view.root.setAttribute('data-resumed-at', String(self.offset));
      self.showProgress(self.offset);
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
    this.view.root.removeAttribute('data-upload-id');
    this.offset = 0;
    this.send();
  };

  Transfer.prototype.startWorker = function () {
    var self = this;
    if (this.worker) {
      return;
    }
    this.worker = new Worker(config.workerUrl);
    this.worker.onmessage = function (event) {
      self.onHash(event.data);
    };
    this.worker.onerror = function (event) {
      event.preventDefault();
      self.fail('The MD5 of this file could not be computed: ' + (event.message || 'the hashing script failed') + '.');
    };
    this.worker.postMessage({ type: 'start', library: config.sparkMd5Url, file: this.file });
  };

  Transfer.prototype.stopWorker = function () {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
  };

  /* The bytes [start, start + blob.size) of the file, as they go out. */
  Transfer.prototype.hash = function (blob, start) {
    this.startWorker();
    this.worker.postMessage({ type: 'slice', start: start, blob: blob });
  };

  Transfer.prototype.onHash = function (message) {
    if (message.type === 'error') {
      this.fail('This file could not be read (was it moved or changed?): ' + message.message);
    } else if (message.type === 'progress' && this.state === 'hashing') {
      this.view.stats.textContent = 'MD5 ' + Math.floor((message.hashed / Math.max(1, this.file.size)) * 100) + ' %';
    } else if (message.type === 'done') {
      this.md5 = message.md5;
      this.view.root.setAttribute('data-client-md5', message.md5);
      this.stopWorker();
      if (this.state === 'hashing') {
        this.complete();
      }
    }
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
    this.show('uploading', this.resumedAt ? 'Uploading, continued at ' + Format.bytes(this.resumedAt) + '…'
      : 'Uploading…');
    this.showProgress(this.offset);
    this.request = data.submit();
  };

  /* A chunk was stored: the server's offset (from its Range header) is the truth. */
  Transfer.prototype.chunkDone = function (result, uploadedBytes) {
    if (!this.uploadId && result && result.upload_id) {
      this.uploadId = result.upload_id;
      remember(this.file, this.uploadId);
      this.view.root.setAttribute('data-upload-id', this.uploadId);
    }
    this.offset = uploadedBytes;
    this.retries = 0;
  };

  Transfer.prototype.progress = function (loaded, bitrate) {
    if (this.state !== 'uploading') {
      return;
    }
    var percent = this.showProgress(loaded);
    var bytesPerSecond = bitrate / 8;
    var parts = [percent + ' %'];
    if (bytesPerSecond > 0) {
      parts.push(Format.rate(bytesPerSecond));
      parts.push(Format.duration((this.file.size - loaded) / bytesPerSecond) + ' left');
    }
    this.view.stats.textContent = parts.join(' · ');
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
    this.showProgress(this.offset);
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
    this.show('hashing', 'Finishing the MD5…');
    this.startWorker();
    this.worker.postMessage({ type: 'finish', size: this.file.size });
  };

  Transfer.prototype.complete = function () {
    var self = this;
    this.show('completing', 'Completing…');
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
    this.showProgress(this.file.size);
    this.view.md5.hidden = false;
    this.view.md5.querySelector('code').textContent = md5;
    this.view.root.setAttribute('data-md5', md5);
    this.show('complete', 'Complete');
    this.release();
    if (window.MyUploads) {
      window.MyUploads.refresh();
    }
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
      this.begin();
      return;
    }
    if (isTransient(xhr.status, type)) {
      this.retryLater(xhr.status, phase);
      return;
    }
    if (xhr.status === 404 || xhr.status === 410 || type === 'md5-mismatch') {
      forget(this.file);
    }
    this.fail(describe(xhr.status, problem));
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
    this.show('retrying', (status === 0 ? 'Connection lost' : 'The server is busy (HTTP ' + status + ')')
      + '; trying again in ' + Math.max(1, Math.round(delay / 1000)) + ' s (attempt ' + this.retries + ' of '
      + MAX_RETRIES + ')…');
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
      this.begin();
    }
  };

  Transfer.prototype.abortRequest = function () {
    if (this.timer) {
      window.clearTimeout(this.timer);
      this.timer = null;
    }
    var index = queue.indexOf(this);
    if (index >= 0) {
      queue.splice(index, 1);
    }
    if (this.request && this.request.abort) {
      this.request.abort();
    }
    this.request = null;
  };

  Transfer.prototype.pause = function (text) {
    if (FINAL[this.state] || this.paused) {
      return;
    }
    this.paused = true;
    this.abortRequest();
    this.release();
    this.show('paused', text);
  };

  Transfer.prototype.resume = function () {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.retries = 0;
    this.resumedAt = null;
    this.enqueue();
  };

  Transfer.prototype.cancel = function () {
    if (FINAL[this.state]) {
      return;
    }
    this.cancelled = true;
    this.abortRequest();
    this.release();
    this.stopWorker();
    forget(this.file);
    var uploadId = this.uploadId;
    this.show('cancelled', uploadId ? 'Cancelled; removing what was sent…' : 'Cancelled.');
    if (uploadId) {
      var self = this;
      deleteUpload(uploadId, 5, 500).then(function () {
        self.show('cancelled', 'Cancelled; what was sent is deleted.');
        if (window.MyUploads) {
          window.MyUploads.refresh();
        }
      }, function () {
        self.show('cancelled', 'Cancelled. The server could not delete the bytes sent; delete them in "My uploads".');
      });
    }
  };

  Transfer.prototype.fail = function (text) {
    if (FINAL[this.state]) {
      return;
    }
    this.abortRequest();
    this.stopWorker();
    this.release();
    this.show('failed', text);
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

  function activeTransferOf(file) {
    var key = storageKey(file);
    for (var i = 0; i < transfers.length; i += 1) {
      if (!FINAL[transfers[i].state] && storageKey(transfers[i].file) === key) {
        return transfers[i];
      }
    }
    return null;
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
      var file = data.files[0];
      var existing = activeTransferOf(file);
      if (existing) {
        existing.view.root.scrollIntoView({ block: 'nearest' });
        if (existing.paused) {
          existing.resume();
        }
        return;
      }
      new Transfer(file, data).enqueue();
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

  var dropZone = document.getElementById('drop-zone');
  ['dragenter', 'dragover'].forEach(function (name) {
    dropZone.addEventListener(name, function () {
      dropZone.classList.add('over');
    });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    dropZone.addEventListener(name, function () {
      dropZone.classList.remove('over');
    });
  });
  // A file dropped next to the zone would otherwise replace the page.
  ['dragover', 'drop'].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!dropZone.contains(event.target)) {
        event.preventDefault();
      }
    });
  });

  // Uploads that are over (complete, expired, deleted) need no resume entry any more.
  document.addEventListener('uploads-loaded', function (event) {
    var over = {};
    event.detail.forEach(function (upload) {
      if (upload.status !== 'uploading') {
        over[upload.upload_id] = true;
      }
    });
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
        var key = window.localStorage.key(i);
        if (key.indexOf(storagePrefix) === 0 && over[window.localStorage.getItem(key)]) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (ignored) {
      // no storage: nothing to clean
    }
  });

  // Back online: do not wait for the back-off to run out.
  window.addEventListener('online', function () {
    transfers.forEach(function (transfer) {
      if (transfer.state === 'retrying') {
        transfer.retry();
      }
    });
  });

  window.addEventListener('beforeunload', function (event) {
    var busy = transfers.some(function (transfer) {
      return !FINAL[transfer.state] && transfer.state !== 'paused';
    });
    if (busy) {
      // Nothing is lost (choose the same file again to continue), but say so first.
      event.preventDefault();
      event.returnValue = '';
    }
  });

  page.setAttribute('data-ready', 'true');
})(window.jQuery);
