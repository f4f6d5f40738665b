/*
 * The tus page: tus-js-client (vendor/tus-js-client) sends each file to /api/tus with the
 * session cookie and the CSRF header, in chunks of the page's chunk size.
 *
 * Per file (a Transfer):
 * - progress, speed and time left from tus-js-client's progress events;
 * - pause (abort the requests; the server keeps every byte that arrived) and resume;
 * - resume after a reload: tus-js-client keeps the upload's URL in localStorage under a
 *   fingerprint of (user, name, type, size, last modified); choosing the same file again
 *   finds it (findPreviousUploads) and continues it (resumeFromPreviousUpload) at the
 *   offset the server answers to HEAD;
 * - optionally in 2-4 parts sent at the same time (parallelUploads): partial uploads
 *   joined by a final upload on the server (concatenation). A resumed file keeps the
 *   number of parts it started with;
 * - the final state from /api/uploads/{id}: status and the MD5 the server computed,
 *   compared, if asked, with the file's own MD5 hashed in a Web Worker (md5-worker.js).
 *
 * Every run (start, resume, retry after going back online) is a new tus.Upload that looks
 * for the stored URL first, because tus-js-client 4.3.1 does not reset its "aborted" flag
 * when a parallel upload is started again after abort(), and would then swallow errors.
 */
(function (global) {
  'use strict';

  var tus = global.tus;
  var page = document.getElementById('tus-page');
  var config = {
    endpoint: page.getAttribute('data-endpoint'),
    uploadsUrl: page.getAttribute('data-uploads-url'),
    chunkSize: parseInt(page.getAttribute('data-chunk-size'), 10),
    connections: parseInt(page.getAttribute('data-parallel-uploads'), 10) || 1,
    workerUrl: page.getAttribute('data-worker-url'),
    sparkMd5Url: page.getAttribute('data-spark-md5-url')
  };
  var userMeta = document.querySelector('meta[name="user"]');
  var user = userMeta ? userMeta.getAttribute('content') : '';
  // tus-js-client stores "tus::<fingerprint>::<random>"; the encoded parts contain no ':'.
  var FINGERPRINT_PREFIX = 'chunked-upload-tus/' + encodeURIComponent(user) + '/';
  var STORAGE_PREFIX = 'tus::' + FINGERPRINT_PREFIX;
  // A part smaller than this is not worth its own connection.
  var MIN_PART_SIZE = 1024 * 1024;
  // tus-js-client waits these delays before its attempts after a failure (about a minute).
  var RETRY_DELAYS = [0, 1000, 2000, 4000, 8000, 15000, 30000];
  var FINAL = { complete: true, failed: true, cancelled: true };

  var list = document.getElementById('transfers');
  var template = document.getElementById('transfer-template');
  var partsSelect = document.getElementById('tus-parts');
  var verifyBox = document.getElementById('tus-verify');
  var transfers = [];
  var queue = [];
  var running = 0;

  function fingerprint(file) {
    var parts = [file.name, file.type, file.size, file.lastModified].map(function (value) {
      return encodeURIComponent(String(value));
    });
    return Promise.resolve(FINGERPRINT_PREFIX + parts.join('/'));
  }

  function uploadIdOf(url) {
    var match = /\/([0-9a-f]{32})\/?$/.exec(url || '');
    return match ? match[1] : null;
  }

  function statusOf(error) {
    return error && error.originalResponse ? error.originalResponse.getStatus() : 0;
  }

  function detailOf(error) {
    var response = error && error.originalResponse;
    return response ? Csrf.problem(response.getStatus(), response.getBody()) : null;
  }

  function isTransient(status) {
    return status === 0 || status === 408 || status === 409 || status === 423 || status === 425 || status === 429
      || status >= 500;
  }

  function describe(error) {
    var status = statusOf(error);
    var detail = detailOf(error);
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
      return 'The file is larger than the server accepts' + (detail ? ': ' + detail : '.');
    }
    if (status === 0) {
      return 'The server cannot be reached.';
    }
    return detail || ('The upload failed (HTTP ' + status + ').');
  }

  /* How many files send at once: a file in n parts takes n of the page's connections. */
  function filesAtOnce(parts) {
    return Math.max(1, Math.floor(config.connections / parts));
  }

  function pump() {
    while (queue.length > 0 && running < filesAtOnce(queue[0].parts)) {
      var transfer = queue.shift();
      running += 1;
      transfer.slot = true;
      transfer.run();
    }
  }

  function Transfer(file, parts, verify) {
    this.file = file;
    this.parts = Math.max(1, Math.min(parts, Math.floor(file.size / MIN_PART_SIZE)));
    this.verify = verify;
    this.upload = null;
    this.uploadUrl = null;
    this.partUrls = [];
    this.heads = {};
    this.resumedAt = null;
    this.samples = [];
    this.serverMd5 = null;
    this.clientMd5 = null;
    this.worker = null;
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
      parts: root.querySelector('.transfer-parts'),
      size: root.querySelector('.transfer-size'),
      bar: root.querySelector('.bar'),
      fill: root.querySelector('.bar-fill'),
      state: root.querySelector('.transfer-state'),
      stats: root.querySelector('.transfer-stats'),
      md5: root.querySelector('.transfer-md5'),
      check: root.querySelector('.transfer-check'),
      pause: root.querySelector('.pause'),
      resume: root.querySelector('.resume'),
      cancel: root.querySelector('.cancel'),
      dismiss: root.querySelector('.dismiss')
    };
    this.view.name.textContent = this.file.name;
    this.view.size.textContent = Format.bytes(this.file.size);
    root.setAttribute('data-name', this.file.name);
    this.showParts();
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

  Transfer.prototype.showParts = function () {
    this.view.root.setAttribute('data-parts', String(this.parts));
    this.view.parts.textContent = this.parts > 1 ? 'in ' + this.parts + ' parts' : '';
  };

  Transfer.prototype.show = function (state, text) {
    this.state = state;
    var view = this.view;
    view.root.setAttribute('data-state', state);
    view.state.textContent = text;
    var final = FINAL[state] === true;
    view.pause.hidden = final || state === 'paused' || state === 'verifying';
    view.resume.hidden = state !== 'paused' && state !== 'offline';
    view.cancel.hidden = final || state === 'verifying';
    view.dismiss.hidden = !final;
    if (state !== 'uploading') {
      view.stats.textContent = '';
    }
  };

  Transfer.prototype.showProgress = function (sent) {
    var size = this.file.size;
    var percent = size > 0 ? Math.min(100, Math.floor((sent / size) * 100)) : 100;
    this.view.fill.style.width = percent + '%';
    this.view.bar.setAttribute('aria-valuenow', String(percent));
    this.view.root.setAttribute('data-loaded', String(sent));
    return percent;
  };

  /* Speed over the last few seconds of progress events. */
  Transfer.prototype.progress = function (sent) {
    if (this.state === 'retrying') {
      this.show('uploading', this.uploadingText());
    }
    if (this.state !== 'uploading') {
      return;
    }
    var now = Date.now();
    this.samples.push({ time: now, sent: sent });
    while (this.samples.length > 2 && now - this.samples[0].time > 3000) {
      this.samples.shift();
    }
    var percent = this.showProgress(sent);
    if (this.lastStats && now - this.lastStats < 250) {
      return;
    }
    this.lastStats = now;
    var first = this.samples[0];
    var elapsed = (now - first.time) / 1000;
    var rate = elapsed >= 0.5 ? (sent - first.sent) / elapsed : 0;
    var parts = [percent + ' %'];
    if (rate > 0) {
      parts.push(Format.rate(rate));
      parts.push(Format.duration((this.file.size - sent) / rate) + ' left');
    }
    this.view.stats.textContent = parts.join(' · ');
  };

  Transfer.prototype.uploadingText = function () {
    return this.resumedAt ? 'Uploading, continued at ' + Format.bytes(this.resumedAt) + '…' : 'Uploading…';
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
      global.setTimeout(pump, 0);
    }
  };

  /*
   * A tus.Upload for one run. Its callbacks do nothing once another run replaced it or
   * it was stopped, so that a late event of an aborted upload cannot touch the page.
   */
  Transfer.prototype.newUpload = function (parts) {
    var self = this;
    var upload = null;
    function current() {
      return upload !== null && self.upload === upload;
    }
    upload = new tus.Upload(this.file, {
      endpoint: config.endpoint,
      chunkSize: config.chunkSize,
      parallelUploads: parts,
      retryDelays: RETRY_DELAYS,
      metadata: { filename: this.file.name, filetype: this.file.type },
      // Named, so that "My uploads" says what the parts of an unfinished file are.
      metadataForPartialUploads: { filename: this.file.name + ' (part)' },
      headers: Csrf.headers(),
      fingerprint: fingerprint,
      removeFingerprintOnSuccess: true,
      onUploadUrlAvailable: function () {
        if (current()) {
          self.urlKnown(upload.url);
        }
      },
      onAfterResponse: function (request, response) {
        if (current()) {
          self.answered(request, response);
        }
      },
      onProgress: function (sent) {
        if (current()) {
          self.progress(sent);
        }
      },
      onShouldRetry: function (error, attempt) {
        return current() && self.shouldRetry(error, attempt);
      },
      onSuccess: function () {
        if (current()) {
          self.sent(upload.url);
        }
      },
      onError: function (error) {
        if (current()) {
          self.failed(error);
        }
      }
    });
    this.upload = upload;
    return upload;
  };

  /* One run: continue the upload stored for this file, if any, else start one. */
  Transfer.prototype.run = function () {
    var self = this;
    var upload = this.newUpload(this.parts);
    if (this.verify && !this.worker && !this.clientMd5) {
      // Hashed when its turn comes, not while it waits: files in line do not compete.
      this.startHashing();
    }
    this.heads = {};
    this.samples = [];
    this.resuming = false;
    this.show('checking', 'Looking for an earlier upload of this file…');
    upload.findPreviousUploads().then(function (previous) {
      if (self.upload !== upload) {
        return;
      }
      var latest = newest(previous);
      if (latest) {
        var parts = latest.parallelUploadUrls ? latest.parallelUploadUrls.length : 1;
        if (parts !== self.parts) {
          // It continues as it started.
          self.parts = parts;
          self.showParts();
          upload = self.newUpload(parts);
        }
        upload.resumeFromPreviousUpload(latest);
        self.resuming = true;
      }
      self.show('uploading', latest ? 'Asking the server how far this file got…' : 'Uploading…');
      upload.start();
    }, function () {
      if (self.upload === upload) {
        self.show('uploading', 'Uploading…');
        upload.start();
      }
    });
  };

  function newest(previous) {
    var latest = null;
    (previous || []).forEach(function (entry) {
      if (!entry.uploadUrl && !(entry.parallelUploadUrls && entry.parallelUploadUrls.length)) {
        return;
      }
      if (!latest || Date.parse(entry.creationTime) > Date.parse(latest.creationTime)) {
        latest = entry;
      }
    });
    return latest;
  }

  Transfer.prototype.urlKnown = function (url) {
    this.uploadUrl = url;
    var id = uploadIdOf(url);
    if (id) {
      this.view.root.setAttribute('data-upload-id', id);
    }
  };

  /*
   * What the server answered, for the page's state: where a resumed upload continues
   * (its HEAD answers) and which partial uploads a parallel one is made of.
   */
  Transfer.prototype.answered = function (request, response) {
    var method = request.getMethod();
    var status = response.getStatus();
    if (method === 'HEAD' && status === 200 && this.resuming) {
      this.heads[request.getURL()] = parseInt(response.getHeader('Upload-Offset'), 10) || 0;
      if (Object.keys(this.heads).length >= this.parts) {
        var total = 0;
        var self = this;
        Object.keys(this.heads).forEach(function (url) {
          total += self.heads[url];
        });
        this.resuming = false;
        this.resumedAt = total;
        this.view.root.setAttribute('data-resumed-at', String(total));
        this.showProgress(total);
        if (this.state === 'uploading') {
          this.show('uploading', this.uploadingText());
        }
      }
    }
    else if (method === 'POST' && status === 201 && request.getHeader('Upload-Concat') === 'partial') {
      this.partUrls.push(response.getHeader('Location'));
      this.view.root.setAttribute('data-part-ids', this.partUrls.map(uploadIdOf).join(' '));
    }
    else if (method === 'POST' && status === 201 && this.parts === 1) {
      this.resuming = false;
    }
  };

  Transfer.prototype.shouldRetry = function (error, attempt) {
    if (this.stopped() || global.navigator.onLine === false) {
      return false;
    }
    var status = statusOf(error);
    if (!isTransient(status)) {
      return false;
    }
    this.show('retrying', (status === 0 ? 'Connection lost' : 'The server is busy (HTTP ' + status + ')')
      + '; trying again (attempt ' + (attempt + 1) + ' of ' + RETRY_DELAYS.length + ')…');
    return true;
  };

  Transfer.prototype.stopped = function () {
    return this.paused || this.cancelled || this.state === 'offline';
  };

  /* Every byte is on the server: the final state comes from /api/uploads. */
  Transfer.prototype.sent = function (url) {
    var self = this;
    this.upload = null;
    this.urlKnown(url);
    this.showProgress(this.file.size);
    this.release();
    this.show('verifying', 'Stored; reading its state from the server…');
    var id = uploadIdOf(url);
    global.fetch(config.uploadsUrl + '/' + encodeURIComponent(id), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    }).then(function (upload) {
      if (upload.status !== 'complete' || !upload.md5) {
        self.fail('The server says this upload is ' + upload.status + ', not complete.');
        return;
      }
      self.serverMd5 = upload.md5;
      self.view.root.setAttribute('data-md5', upload.md5);
      self.view.md5.hidden = false;
      self.view.md5.querySelector('code').textContent = upload.md5;
      self.conclude();
      if (global.MyUploads) {
        global.MyUploads.refresh();
      }
    }, function (error) {
      self.fail('The file was sent, but its state could not be read (' + error.message + '): see "My uploads".');
    });
  };

  /* Complete once the server's MD5 is known and, if asked, the file's own. */
  Transfer.prototype.conclude = function () {
    if (!this.serverMd5 || FINAL[this.state]) {
      return;
    }
    if (this.verify && !this.clientMd5) {
      this.show('verifying', 'Stored; checking its MD5 against the file…');
      return;
    }
    if (this.verify && this.clientMd5 !== this.serverMd5) {
      this.view.root.setAttribute('data-verified', 'false');
      this.view.check.textContent = 'differs from the file\'s ' + this.clientMd5;
      this.show('failed', 'The MD5 the server computed differs from this file\'s: was the file changed while it '
        + 'was sent? Delete this upload in "My uploads" and send the file again.');
      return;
    }
    if (this.verify) {
      this.view.root.setAttribute('data-verified', 'true');
      this.view.check.textContent = 'matches the file';
    }
    this.show('complete', 'Complete');
  };

  Transfer.prototype.startHashing = function () {
    var self = this;
    this.worker = new Worker(config.workerUrl);
    this.worker.onmessage = function (event) {
      var message = event.data;
      if (message.type === 'done') {
        self.clientMd5 = message.md5;
        self.view.root.setAttribute('data-client-md5', message.md5);
        self.stopHashing();
        self.conclude();
      } else if (message.type === 'progress' && self.state === 'verifying' && !self.clientMd5) {
        self.view.stats.textContent = 'MD5 ' + Math.floor((message.hashed / Math.max(1, self.file.size)) * 100)
          + ' %';
      } else if (message.type === 'error') {
        self.hashFailed(message.message);
      }
    };
    this.worker.onerror = function (event) {
      event.preventDefault();
      self.hashFailed(event.message || 'the hashing script failed');
    };
    // The worker reads the file itself, next to the upload.
    this.worker.postMessage({ type: 'start', library: config.sparkMd5Url, file: this.file });
    this.worker.postMessage({ type: 'finish', size: this.file.size });
  };

  Transfer.prototype.stopHashing = function () {
    if (this.worker) {
      this.worker.terminate();
      this.worker = null;
    }
  };

  Transfer.prototype.hashFailed = function (reason) {
    this.stopHashing();
    this.verify = false;
    this.view.check.textContent = '(not checked: the file could not be read here, ' + reason + ')';
    this.conclude();
  };

  Transfer.prototype.failed = function (error) {
    if (this.stopped() || FINAL[this.state]) {
      return;
    }
    if (statusOf(error) === 0 && global.navigator.onLine === false) {
      this.offline();
      return;
    }
    if (isTransient(statusOf(error))) {
      // tus-js-client tried as often as it does: wait for the user.
      this.pause(describe(error) + ' Resume to try again.');
      return;
    }
    this.fail(describe(error));
  };

  /* No network: stop, and continue by itself when the browser is back online. */
  Transfer.prototype.offline = function () {
    this.abortUpload();
    this.release();
    this.show('offline', 'No connection: it continues when the browser is back online.');
  };

  Transfer.prototype.abortUpload = function () {
    var index = queue.indexOf(this);
    if (index >= 0) {
      queue.splice(index, 1);
    }
    var upload = this.upload;
    this.upload = null;
    if (upload) {
      upload.abort();
    }
    return upload;
  };

  Transfer.prototype.pause = function (text) {
    if (FINAL[this.state] || this.paused || this.state === 'verifying') {
      return;
    }
    this.paused = true;
    this.abortUpload();
    this.release();
    this.show('paused', text);
  };

  Transfer.prototype.resume = function () {
    if (!this.paused && this.state !== 'offline') {
      return;
    }
    this.paused = false;
    this.resumedAt = null;
    this.view.root.removeAttribute('data-resumed-at');
    this.state = null;
    this.enqueue();
  };

  Transfer.prototype.cancel = function () {
    var self = this;
    if (FINAL[this.state] || this.state === 'verifying') {
      return;
    }
    this.cancelled = true;
    this.stopHashing();
    var upload = this.abortUpload();
    this.release();
    this.show('cancelled', 'Cancelled; removing what was sent…');
    // A fresh tus.Upload finds what was stored for this file (also the parts of a
    // parallel upload), terminates it on the server and drops it from localStorage.
    var cleaner = new tus.Upload(this.file, { endpoint: config.endpoint, fingerprint: fingerprint });
    cleaner.findPreviousUploads().then(function (previous) {
      var urls = [];
      if (upload && upload.url) {
        urls.push(upload.url);
      }
      self.partUrls.forEach(function (url) {
        urls.push(url);
      });
      previous.forEach(function (entry) {
        (entry.parallelUploadUrls || [entry.uploadUrl]).forEach(function (url) {
          if (url) {
            urls.push(url);
          }
        });
        tus.defaultOptions.urlStorage.removeUpload(entry.urlStorageKey);
      });
      return Promise.all(unique(urls).map(function (url) {
        return tus.Upload.terminate(url, { headers: Csrf.headers(), retryDelays: [500, 1000, 2000] })
          .then(null, function (error) {
            if (statusOf(error) !== 404) {
              throw error;
            }
          });
      })).then(function () {
        return urls.length;
      });
    }).then(function (count) {
      self.show('cancelled', count > 0 ? 'Cancelled; what was sent is deleted.' : 'Cancelled.');
      if (global.MyUploads) {
        global.MyUploads.refresh();
      }
    }, function () {
      self.show('cancelled', 'Cancelled. The server could not delete the bytes sent; delete them in "My uploads".');
    });
  };

  Transfer.prototype.fail = function (text) {
    if (FINAL[this.state]) {
      return;
    }
    this.abortUpload();
    this.stopHashing();
    this.release();
    this.show('failed', text);
  };

  function unique(values) {
    return values.filter(function (value, index) {
      return values.indexOf(value) === index;
    });
  }

  function activeTransferOf(file) {
    for (var i = 0; i < transfers.length; i += 1) {
      var other = transfers[i].file;
      if (!FINAL[transfers[i].state] && other.name === file.name && other.size === file.size
        && other.lastModified === file.lastModified && other.type === file.type) {
        return transfers[i];
      }
    }
    return null;
  }

  function add(files) {
    var parts = parseInt(partsSelect.value, 10) || 1;
    Array.prototype.forEach.call(files, function (file) {
      var existing = activeTransferOf(file);
      if (existing) {
        existing.view.root.scrollIntoView({ block: 'nearest' });
        existing.resume();
        return;
      }
      new Transfer(file, parts, verifyBox.checked).enqueue();
    });
  }

  var input = document.getElementById('file-input');
  input.addEventListener('change', function () {
    add(input.files);
    // The same file may be chosen again (to resume it after a failure).
    input.value = '';
  });

  var dropZone = document.getElementById('drop-zone');
  ['dragenter', 'dragover'].forEach(function (name) {
    dropZone.addEventListener(name, function (event) {
      event.preventDefault();
      dropZone.classList.add('over');
    });
  });
  dropZone.addEventListener('dragleave', function () {
    dropZone.classList.remove('over');
  });
  dropZone.addEventListener('drop', function (event) {
    event.preventDefault();
    dropZone.classList.remove('over');
    if (event.dataTransfer && event.dataTransfer.files) {
      add(event.dataTransfer.files);
    }
  });
  // A file dropped next to the zone would otherwise replace the page.
  ['dragover', 'drop'].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (!dropZone.contains(event.target)) {
        event.preventDefault();
      }
    });
  });

  // Stored URLs of uploads that are over (complete or expired) are of no use any more.
  document.addEventListener('uploads-loaded', function (event) {
    var over = {};
    event.detail.forEach(function (upload) {
      if (upload.status === 'complete' || upload.status === 'expired') {
        over[upload.upload_id] = true;
      }
    });
    try {
      for (var i = global.localStorage.length - 1; i >= 0; i -= 1) {
        var key = global.localStorage.key(i);
        if (key.indexOf(STORAGE_PREFIX) === 0) {
          var entry = JSON.parse(global.localStorage.getItem(key));
          if (entry && over[uploadIdOf(entry.uploadUrl)]) {
            global.localStorage.removeItem(key);
          }
        }
      }
    } catch (ignored) {
      // no storage, or an entry that is not ours: nothing to clean
    }
  });

  global.addEventListener('online', function () {
    transfers.forEach(function (transfer) {
      if (transfer.state === 'offline') {
        transfer.resume();
      }
    });
  });

  global.addEventListener('beforeunload', function (event) {
    var busy = transfers.some(function (transfer) {
      return !FINAL[transfer.state] && transfer.state !== 'paused' && transfer.state !== 'offline';
    });
    if (busy) {
      // Nothing is lost (choose the same file again to continue), but say so first.
      event.preventDefault();
      event.returnValue = '';
    }
  });

  page.setAttribute('data-ready', 'true');
})(window);
