/*
 * The transfer list of the upload pages, shared by their scripts: the row of each file
 * (templates/fragments/transfers.html), the line of files waiting for a free slot, the drop
 * zone, speed and time left, and the words for what happened. Each page's script drives its
 * own client library and tells the list what happened: upload.js (jQuery-File-Upload),
 * tus-upload.js (tus-js-client), flow-page.js (flow.js); upload-field.js (resumable.js)
 * shares the wait for the server to complete an upload.
 *
 *   var list = TransferList.create(options)   see List below
 *   transfer.row = list.row(file, transfer)   a file's row; its buttons call transfer.pause(),
 *                                             .resume() and .cancel(), its turn in line
 *                                             transfer.start(), row.fail(text) transfer.stop()
 *   list.choose(file, create)                 a file chosen again resumes its row, another gets
 *                                             a transfer from create(file), in line
 *   TransferList.dropZone(zone, add)          see dropZone below
 *   TransferList.describe(status, detail, special)   why the server refused, in words
 *   TransferList.md5(file, page, on)          the file's MD5 from md5-worker.js
 *   TransferList.whenComplete(url)            the upload once the server says it is complete
 */
(function (global) {
  'use strict';

  var FINAL = { complete: true, failed: true, cancelled: true };
  // Speed over the last few seconds, said at most four times a second: steady enough to read.
  var SPEED_WINDOW_MS = 3000;
  var STATS_INTERVAL_MS = 250;
  // The answer to a client's last chunk need not be the one that completed the upload.
  var COMPLETION_CHECKS = 60;
  var COMPLETION_CHECK_DELAY_MS = 500;

  function set(states) {
    var result = {};
    (states || []).forEach(function (state) {
      result[state] = true;
    });
    return result;
  }

  function uploadsChanged() {
    if (global.MyUploads) {
      global.MyUploads.refresh();
    }
  }

  /*
   * options:
   *   element, template   the <ul> of rows and the row's <template>
   *   key(file)           equal for two choices of the same file
   *   slots(transfer)     how many transfers send at once while transfer is next in line;
   *                       without it there is no line (the library keeps its own)
   *   resumable           states in which Resume shows and leaving the page loses nothing
   *                       (default: paused)
   *   noPause, noCancel   states, besides the final ones, in which Pause or Cancel hides
   */
  function List(options) {
    var self = this;
    this.element = options.element;
    this.template = options.template;
    this.key = options.key;
    this.slots = options.slots;
    this.resumable = set(options.resumable || ['paused']);
    this.noPause = set(options.noPause);
    this.noCancel = set(options.noCancel);
    this.rows = [];
    this.waiting = [];
    this.running = 0;
    global.addEventListener('beforeunload', function (event) {
      var busy = self.rows.some(function (row) {
        return !row.final() && !self.resumable[row.state];
      });
      if (busy) {
        // Nothing is lost (choose the same file again to continue), but say so first.
        event.preventDefault();
        event.returnValue = '';
      }
    });
  }

  List.prototype.row = function (file, transfer) {
    var row = new Row(this, file, transfer);
    this.rows.push(row);
    return row;
  };

  List.prototype.choose = function (file, create) {
    var key = this.key(file);
    var existing = this.rows.filter(function (row) {
      return !row.final() && this.key(row.file) === key;
    }, this)[0];
    if (existing) {
      existing.root.scrollIntoView({ block: 'nearest' });
      existing.transfer.resume();
      return;
    }
    create(file).row.enqueue();
  };

  /* A file chosen again after it ended gets a fresh row. */
  List.prototype.removeEnded = function (file) {
    var key = this.key(file);
    this.rows.filter(function (row) {
      return row.final() && this.key(row.file) === key;
    }, this).forEach(function (row) {
      row.remove();
    });
  };

  List.prototype.pump = function () {
    while (this.waiting.length > 0 && this.running < this.slots(this.waiting[0].transfer)) {
      var row = this.waiting.shift();
      this.running += 1;
      row.slot = true;
      row.transfer.start();
    }
  };

  /* Back online: then(transfer) for every transfer in that state. */
  List.prototype.whenOnline = function (state, then) {
    var rows = this.rows;
    global.addEventListener('online', function () {
      rows.forEach(function (row) {
        if (row.state === state) {
          then(row.transfer);
        }
      });
    });
  };

  function Row(list, file, transfer) {
    var self = this;
    var root = list.template.content.firstElementChild.cloneNode(true);
    this.list = list;
    this.file = file;
    this.transfer = transfer;
    this.root = root;
    this.state = null;
    this.slot = false;
    this.samples = [];
    this.statsShown = 0;
    this.view = {
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
    this.view.name.textContent = file.name;
    this.view.size.textContent = Format.bytes(file.size);
    root.setAttribute('data-name', file.name);
    this.view.pause.addEventListener('click', function () {
      transfer.pause();
    });
    this.view.resume.addEventListener('click', function () {
      transfer.resume();
    });
    this.view.cancel.addEventListener('click', function () {
      transfer.cancel();
    });
    this.view.dismiss.addEventListener('click', function () {
      self.remove();
    });
    list.element.appendChild(root);
  }

  Row.prototype.final = function () {
    return FINAL[this.state] === true;
  };

  Row.prototype.show = function (state, text) {
    var list = this.list;
    var view = this.view;
    var final = FINAL[state] === true;
    this.state = state;
    this.root.setAttribute('data-state', state);
    view.state.textContent = text;
    view.pause.hidden = final || state === 'paused' || list.noPause[state] === true;
    view.resume.hidden = list.resumable[state] !== true;
    view.cancel.hidden = final || list.noCancel[state] === true;
    view.dismiss.hidden = !final;
    if (state !== 'uploading') {
      view.stats.textContent = '';
    }
  };

  Row.prototype.uploading = function (resumedAt) {
    this.show('uploading', resumedAt ? 'Uploading, continued at ' + Format.bytes(resumedAt) + '…' : 'Uploading…');
  };

  /* A data- attribute of the row; null removes it. */
  Row.prototype.set = function (name, value) {
    if (value === null || value === undefined) {
      this.root.removeAttribute(name);
    } else {
      this.root.setAttribute(name, String(value));
    }
  };

  /* The bar at loaded bytes of the file; returns the percentage. */
  Row.prototype.progress = function (loaded) {
    var size = this.file.size;
    var percent = size > 0 ? Math.min(100, Math.floor((loaded / size) * 100)) : 100;
    this.bar(percent, loaded);
    return percent;
  };

  Row.prototype.bar = function (percent, loaded) {
    this.view.fill.style.width = percent + '%';
    this.view.bar.setAttribute('aria-valuenow', String(percent));
    if (loaded !== undefined) {
      this.root.setAttribute('data-loaded', String(loaded));
    }
  };

  /* "lead · speed · time left"; no speed, no time left. */
  Row.prototype.stats = function (lead, loaded, bytesPerSecond) {
    var parts = [lead];
    if (bytesPerSecond > 0) {
      parts.push(Format.rate(bytesPerSecond));
      parts.push(Format.duration((this.file.size - loaded) / bytesPerSecond) + ' left');
    }
    this.view.stats.textContent = parts.join(' · ');
  };

  /* For a library that says how much is sent but not how fast: the bar, and the speed measured here. */
  Row.prototype.measure = function (loaded) {
    var now = Date.now();
    this.samples.push({ time: now, loaded: loaded });
    while (this.samples.length > 2 && now - this.samples[0].time > SPEED_WINDOW_MS) {
      this.samples.shift();
    }
    var percent = this.progress(loaded);
    if (this.statsShown && now - this.statsShown < STATS_INTERVAL_MS) {
      return;
    }
    this.statsShown = now;
    var first = this.samples[0];
    var elapsed = (now - first.time) / 1000;
    this.stats(percent + ' %', loaded, elapsed >= 0.5 ? (loaded - first.loaded) / elapsed : 0);
  };

  /* A new run: what was measured before a pause says nothing about the speed now. */
  Row.prototype.restartSpeed = function () {
    this.samples = [];
  };

  Row.prototype.hashing = function (hashed) {
    this.view.stats.textContent = 'MD5 ' + Math.floor((hashed / Math.max(1, this.file.size)) * 100) + ' %';
  };

  /* The MD5 the server stored. */
  Row.prototype.showMd5 = function (md5) {
    this.root.setAttribute('data-md5', md5);
    this.view.md5.querySelector('code').textContent = md5;
    this.view.md5.hidden = false;
  };

  Row.prototype.enqueue = function () {
    this.show('queued', 'Waiting for its turn…');
    this.list.waiting.push(this);
    this.list.pump();
  };

  /* Out of the line, and its slot, if it had one, to the next in line. */
  Row.prototype.release = function () {
    var list = this.list;
    var index = list.waiting.indexOf(this);
    if (index >= 0) {
      list.waiting.splice(index, 1);
    }
    if (this.slot) {
      this.slot = false;
      list.running -= 1;
      global.setTimeout(function () {
        list.pump();
      }, 0);
    }
  };

  /* Stopped (paused, offline, failed): the slot to the others. */
  Row.prototype.halt = function (state, text) {
    this.release();
    this.show(state, text);
  };

  /* For good: transfer.stop() ends what its library and its hashing still do. */
  Row.prototype.fail = function (text) {
    if (!this.final()) {
      this.transfer.stop();
      this.halt('failed', text);
    }
  };

  /*
   * deletion: what was sent is being deleted on the server, a promise of whether there was
   * anything to delete (false: nothing was); null when nothing was sent. words.removing and
   * words.kept replace the texts while deleting and when the server could not.
   */
  Row.prototype.cancelled = function (deletion, words) {
    var self = this;
    words = words || {};
    if (!deletion) {
      this.show('cancelled', 'Cancelled.');
      return;
    }
    this.show('cancelled', words.removing || 'Cancelled; removing what was sent…');
    deletion.then(function (deleted) {
      self.show('cancelled', deleted === false ? 'Cancelled.' : 'Cancelled; what was sent is deleted.');
      uploadsChanged();
    }, function () {
      self.show('cancelled', words.kept
        || 'Cancelled. The server could not delete the bytes sent; delete them in "My uploads".');
    });
  };

  Row.prototype.remove = function () {
    if (this.root.parentNode) {
      this.root.parentNode.removeChild(this.root);
    }
    var index = this.list.rows.indexOf(this);
    if (index >= 0) {
      this.list.rows.splice(index, 1);
    }
  };

  /*
   * The zone lights up while files are dragged over it. add(files) takes the dropped files
   * on a page whose library does not take drops itself.
   */
  function dropZone(zone, add) {
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        if (add) {
          event.preventDefault();
        }
        zone.classList.add('over');
      });
    });
    zone.addEventListener('dragleave', function (event) {
      // Onto the zone's own text or button is not out of the zone.
      if (!zone.contains(event.relatedTarget)) {
        zone.classList.remove('over');
      }
    });
    zone.addEventListener('drop', function (event) {
      zone.classList.remove('over');
      if (add) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files) {
          add(event.dataTransfer.files);
        }
      }
    });
    // A file dropped next to the zone would otherwise replace the page.
    ['dragover', 'drop'].forEach(function (name) {
      document.addEventListener(name, function (event) {
        if (!zone.contains(event.target)) {
          event.preventDefault();
        }
      });
    });
  }

  /*
   * Why the server refused, in words, from its status and the problem's detail. special()
   * may answer first for what only one protocol says (after the statuses every page words
   * alike).
   */
  function describe(status, detail, special) {
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
    return (special && special()) || detail || ('The upload failed (HTTP ' + status + ').');
  }

  function tooLarge(detail) {
    return 'The file is larger than the server accepts' + (detail ? ': ' + detail : '.');
  }

  /* Statuses that may pass if asked again. */
  function transient(status) {
    return status === 0 || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
  }

  function retrying(status, attempt, attempts, seconds) {
    return (status === 0 ? 'Connection lost' : 'The server is busy (HTTP ' + status + ')') + '; trying again'
      + (seconds ? ' in ' + seconds + ' s' : '') + ' (attempt ' + attempt + ' of ' + attempts + ')…';
  }

  /* Stored URLs of uploads that are over are of no use any more; idOf(value) reads one. */
  function pruneStorage(prefix, over, idOf) {
    document.addEventListener('uploads-loaded', function (event) {
      var ids = {};
      event.detail.forEach(function (upload) {
        if (over(upload)) {
          ids[upload.upload_id] = true;
        }
      });
      try {
        for (var i = global.localStorage.length - 1; i >= 0; i -= 1) {
          var key = global.localStorage.key(i);
          if (key.indexOf(prefix) === 0 && ids[idOf(global.localStorage.getItem(key))]) {
            global.localStorage.removeItem(key);
          }
        }
      } catch (ignored) {
        // no storage, or an entry that is not ours: nothing to clean
      }
    });
  }

  /*
   * A Web Worker hashing the file, with the URLs of md5-worker.js and SparkMD5 from the
   * page's data-worker-url and data-spark-md5-url: slice(blob, start) for the bytes as they
   * go out, finish() to hash the rest from the file. on.progress(hashed), on.done(md5),
   * on.error(reason, scriptFailed).
   */
  function Md5(file, page, on) {
    var worker = new Worker(page.getAttribute('data-worker-url'));
    worker.onmessage = function (event) {
      var message = event.data;
      if (message.type === 'done') {
        on.done(message.md5);
      } else if (message.type === 'progress') {
        on.progress(message.hashed);
      } else if (message.type === 'error') {
        on.error(message.message, false);
      }
    };
    worker.onerror = function (event) {
      event.preventDefault();
      on.error(event.message || 'the hashing script failed', true);
    };
    worker.postMessage({ type: 'start', library: page.getAttribute('data-spark-md5-url'), file: file });
    this.worker = worker;
    this.size = file.size;
  }

  Md5.prototype.slice = function (blob, start) {
    this.worker.postMessage({ type: 'slice', start: start, blob: blob });
  };

  Md5.prototype.finish = function () {
    this.worker.postMessage({ type: 'finish', size: this.size });
  };

  Md5.prototype.stop = function () {
    this.worker.terminate();
  };

  /*
   * The upload at url (its /api/uploads entry) once the server says it is complete, asked
   * again every half second for half a minute; rejected with error.unfinished when it stays
   * incomplete.
   */
  function whenComplete(url) {
    return new Promise(function (resolve, reject) {
      function ask(attempt) {
        Csrf.fetch(url, { headers: { Accept: 'application/json' } })
          .then(function (response) {
            if (!response.ok) {
              throw new Error('status ' + response.status);
            }
            return response.json();
          })
          .then(function (body) {
            if (body.status === 'complete') {
              resolve(body);
            } else if (attempt < COMPLETION_CHECKS) {
              global.setTimeout(function () {
                ask(attempt + 1);
              }, COMPLETION_CHECK_DELAY_MS);
            } else {
              var error = new Error('status ' + body.status);
              error.unfinished = true;
              reject(error);
            }
          })
          .catch(reject);
      }
      ask(0);
    });
  }

  global.TransferList = {
    create: function (options) {
      return new List(options);
    },
    dropZone: dropZone,
    describe: describe,
    tooLarge: tooLarge,
    transient: transient,
    retrying: retrying,
    pruneStorage: pruneStorage,
    md5: function (file, page, on) {
      return new Md5(file, page, on);
    },
    whenComplete: whenComplete,
    uploadsChanged: uploadsChanged
  };
})(window);
