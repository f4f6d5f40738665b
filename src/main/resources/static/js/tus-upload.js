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
 *
 * The rows, the line of files waiting for a slot, the speed and the drop zone are the
 * shared TransferList (transfer-list.js); this script drives tus-js-client.
 */
(function (global) {
  'use strict';

  var tus = global.tus;
  var page = document.getElementById('tus-page');
  var config = {
    endpoint: page.getAttribute('data-endpoint'),
    uploadsUrl: page.getAttribute('data-uploads-url'),
    chunkSize: parseInt(page.getAttribute('data-chunk-size'), 10),
    connections: parseInt(page.getAttribute('data-parallel-uploads'), 10) || 1
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

  var partsSelect = document.getElementById('tus-parts');
  var verifyBox = document.getElementById('tus-verify');
  var list = TransferList.create({
    element: document.getElementById('transfers'),
    template: document.getElementById('transfer-template'),
    key: function (file) {
      return JSON.stringify([file.name, file.type, file.size, file.lastModified]);
    },
    slots: function (next) {
      return filesAtOnce(next.parts);
    },
    // Offline: nothing is sent until the browser is back online, or Resume is pressed.
    resumable: ['paused', 'offline'],
    // Every byte is on the server then: only the MD5s are left to compare.
    noPause: ['verifying'],
    noCancel: ['verifying']
  });

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
    return TransferList.transient(status) || status === 423;
  }

  function describe(error) {
    var status = statusOf(error);
    var detail = detailOf(error);
    return TransferList.describe(status, detail, function () {
      if (status === 413) {
        return TransferList.tooLarge(detail);
      }
      return status === 0 ? 'The server cannot be reached.' : null;
    });
  }

  /* How many files send at once: a file in n parts takes n of the page's connections. */
  function filesAtOnce(parts) {
    return Math.max(1, Math.floor(config.connections / parts));
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
    this.serverMd5 = null;
    this.clientMd5 = null;
    this.hasher = null;
    this.paused = false;
    this.cancelled = false;
    this.row = list.row(file, this);
    this.showParts();
  }

  Transfer.prototype.showParts = function () {
    this.row.set('data-parts', this.parts);
    this.row.view.parts.textContent = this.parts > 1 ? 'in ' + this.parts + ' parts' : '';
  };

  /* tus-js-client says how much is sent, not how fast: the list measures it. */
  Transfer.prototype.progress = function (sent) {
    if (this.row.state === 'retrying') {
      this.row.uploading(this.resumedAt);
    }
    if (this.row.state === 'uploading') {
      this.row.measure(sent);
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
  Transfer.prototype.start = function () {
    var self = this;
    var upload = this.newUpload(this.parts);
    if (this.verify && !this.hasher && !this.clientMd5) {
      // Hashed when its turn comes, not while it waits: files in line do not compete.
      this.startHashing();
    }
    this.heads = {};
    this.row.restartSpeed();
    this.resuming = false;
    this.row.show('checking', 'Looking for an earlier upload of this file…');
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
      self.row.show('uploading', latest ? 'Asking the server how far this file got…' : 'Uploading…');
      upload.start();
    }, function () {
      if (self.upload === upload) {
        self.row.uploading(null);
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
      this.row.set('data-upload-id', id);
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
        this.row.set('data-resumed-at', total);
        this.row.progress(total);
        if (this.row.state === 'uploading') {
          this.row.uploading(total);
        }
      }
    }
    else if (method === 'POST' && status === 201 && request.getHeader('Upload-Concat') === 'partial') {
      this.partUrls.push(response.getHeader('Location'));
      this.row.set('data-part-ids', this.partUrls.map(uploadIdOf).join(' '));
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
    this.row.show('retrying', TransferList.retrying(status, attempt + 1, RETRY_DELAYS.length));
    return true;
  };

  Transfer.prototype.stopped = function () {
    return this.paused || this.cancelled || this.row.state === 'offline';
  };

  /* Every byte is on the server: the final state comes from /api/uploads. */
  Transfer.prototype.sent = function (url) {
    var self = this;
    this.upload = null;
    this.urlKnown(url);
    this.row.progress(this.file.size);
    this.row.release();
    this.row.show('verifying', 'Stored; reading its state from the server…');
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
        self.row.fail('The server says this upload is ' + upload.status + ', not complete.');
        return;
      }
      self.serverMd5 = upload.md5;
      self.row.showMd5(upload.md5);
      self.conclude();
      TransferList.uploadsChanged();
    }, function (error) {
      self.row.fail('The file was sent, but its state could not be read (' + error.message + '): see "My uploads".');
    });
  };

  /* Complete once the server's MD5 is known and, if asked, the file's own. */
  Transfer.prototype.conclude = function () {
    if (!this.serverMd5 || this.row.final()) {
      return;
    }
    if (this.verify && !this.clientMd5) {
      this.row.show('verifying', 'Stored; checking its MD5 against the file…');
      return;
    }
    if (this.verify && this.clientMd5 !== this.serverMd5) {
      this.row.set('data-verified', 'false');
      this.row.view.check.textContent = 'differs from the file\'s ' + this.clientMd5;
      this.row.show('failed', 'The MD5 the server computed differs from this file\'s: was the file changed while it '
        + 'was sent? Delete this upload in "My uploads" and send the file again.');
      return;
    }
    if (this.verify) {
      this.row.set('data-verified', 'true');
      this.row.view.check.textContent = 'matches the file';
    }
    this.row.show('complete', 'Complete');
  };

  Transfer.prototype.startHashing = function () {
    var self = this;
    this.hasher = TransferList.md5(this.file, page, {
      progress: function (hashed) {
        if (self.row.state === 'verifying' && !self.clientMd5) {
          self.row.hashing(hashed);
        }
      },
      done: function (md5) {
        self.clientMd5 = md5;
        self.row.set('data-client-md5', md5);
        self.stopHashing();
        self.conclude();
      },
      error: function (reason) {
        self.hashFailed(reason);
      }
    });
    // The worker reads the file itself, next to the upload.
    this.hasher.finish();
  };

  Transfer.prototype.stopHashing = function () {
    if (this.hasher) {
      this.hasher.stop();
      this.hasher = null;
    }
  };

  Transfer.prototype.hashFailed = function (reason) {
    this.stopHashing();
    this.verify = false;
    this.row.view.check.textContent = '(not checked: the file could not be read here, ' + reason + ')';
    this.conclude();
  };

  Transfer.prototype.failed = function (error) {
    if (this.stopped() || this.row.final()) {
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
    this.row.fail(describe(error));
  };

  /* No network: stop, and continue by itself when the browser is back online. */
  Transfer.prototype.offline = function () {
    this.abortUpload();
    this.row.halt('offline', 'No connection: it continues when the browser is back online.');
  };

  Transfer.prototype.abortUpload = function () {
    var upload = this.upload;
    this.upload = null;
    if (upload) {
      upload.abort();
    }
    return upload;
  };

  Transfer.prototype.pause = function (text) {
    if (this.row.final() || this.paused || this.row.state === 'verifying') {
      return;
    }
    this.paused = true;
    this.abortUpload();
    this.row.halt('paused', text || 'Paused.');
  };

  Transfer.prototype.resume = function () {
    if (!this.paused && this.row.state !== 'offline') {
      return;
    }
    this.paused = false;
    this.resumedAt = null;
    this.row.set('data-resumed-at', null);
    this.row.enqueue();
  };

  Transfer.prototype.cancel = function () {
    var self = this;
    if (this.row.final() || this.row.state === 'verifying') {
      return;
    }
    this.cancelled = true;
    this.stopHashing();
    var upload = this.abortUpload();
    this.row.release();
    // A fresh tus.Upload finds what was stored for this file (also the parts of a
    // parallel upload), terminates it on the server and drops it from localStorage.
    var cleaner = new tus.Upload(this.file, { endpoint: config.endpoint, fingerprint: fingerprint });
    this.row.cancelled(cleaner.findPreviousUploads().then(function (previous) {
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
        return urls.length > 0;
      });
    }));
  };

  Transfer.prototype.stop = function () {
    this.abortUpload();
    this.stopHashing();
  };

  function unique(values) {
    return values.filter(function (value, index) {
      return values.indexOf(value) === index;
    });
  }

  function add(files) {
    var parts = parseInt(partsSelect.value, 10) || 1;
    Array.prototype.forEach.call(files, function (file) {
      list.choose(file, function () {
        return new Transfer(file, parts, verifyBox.checked);
      });
    });
  }

  var input = document.getElementById('file-input');
  input.addEventListener('change', function () {
    add(input.files);
    // The same file may be chosen again (to resume it after a failure).
    input.value = '';
  });

  TransferList.dropZone(document.getElementById('drop-zone'), add);

  // Stored URLs of uploads that are over (complete or expired) are of no use any more.
  TransferList.pruneStorage(STORAGE_PREFIX, function (upload) {
    return upload.status === 'complete' || upload.status === 'expired';
  }, function (value) {
    var entry = JSON.parse(value);
    return entry && uploadIdOf(entry.uploadUrl);
  });

  list.whenOnline('offline', function (transfer) {
    transfer.resume();
  });

  page.setAttribute('data-ready', 'true');
})(window);
