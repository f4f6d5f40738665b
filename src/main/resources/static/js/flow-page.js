/*
 * The flow.js page (templates/flow.html): each chosen or dropped file is sent by flow.js
 * to /api/resumable, in chunks of the page's data-chunk-size, three chunks at a time and
 * in any order, with progress, pause, resume and cancel.
 *
 * Resume after a reload, a lost connection or a closed tab: choosing the same file again
 * gives it the same flow identifier (size, last-modified time, name), so the server finds
 * the same upload; flow.js asks about each chunk first (the test GET: 200 stored, 204 not
 * yet) and sends only the chunks the server does not have.
 *
 * Chunks go as raw bodies with the parameters in the query string (flow.js's 'octet'
 * method): the server streams them to their place without multipart parsing.
 *
 * Each transfer row says what happened in data- attributes: data-state (uploading,
 * retrying, paused, completing, complete, failed, cancelled), data-upload-id, data-md5,
 * data-sent-chunks and data-resumed-chunks (chunks the server already had).
 */
(function (global) {
  'use strict';

  var page = document.getElementById('flow-page');
  if (!page) {
    return;
  }
  var list = document.getElementById('flow-transfers');
  var template = document.getElementById('flow-transfer-template');
  var dropZone = document.getElementById('flow-drop-zone');
  var input = document.getElementById('flow-input');
  var statusUrl = page.getAttribute('data-status-url');
  var FINAL = { complete: true, failed: true, cancelled: true };
  var transfers = [];

  function identifier(file) {
    var name = file.relativePath || file.webkitRelativePath || file.name;
    return file.size + '-' + (file.lastModified || 0) + '-' + name.replace(/[^0-9a-zA-Z_-]/g, '');
  }

  var flow = new Flow({
    target: page.getAttribute('data-target'),
    chunkSize: parseInt(page.getAttribute('data-chunk-size'), 10) || 1024 * 1024,
    // The last chunk no larger than the others, so the server's chunk limit holds for it.
    forceChunkSize: true,
    simultaneousUploads: 3,
    method: 'octet',
    testChunks: true,
    headers: function (file, chunk, isTest) {
      // A raw chunk is bytes whatever the file's type: a file typed as a form must not
      // look like one to the server.
      return Csrf.headers(isTest ? {} : { 'Content-Type': 'application/octet-stream' });
    },
    // flow.js retries everything else: 423 (another request is writing the chunk), 5xx
    // of a proxy, and no connection at all.
    permanentErrors: [400, 401, 403, 404, 413, 415, 500, 501],
    maxChunkRetries: 30,
    chunkRetryInterval: 1000,
    progressCallbacksInterval: 200,
    generateUniqueIdentifier: identifier,
    // Called only for the chunks flow.js sends, not for those its test GET found stored.
    changeRawDataBeforeSend: function (chunk, data) {
      chunk.posted = true;
      return data;
    }
  });

  if (!flow.support) {
    document.getElementById('flow-unsupported').hidden = false;
    dropZone.hidden = true;
    return;
  }

  function Transfer(file) {
    this.file = file;
    this.uploadId = null;
    this.sentChunks = 0;
    this.resumedChunks = 0;
    this.build();
  }

  Transfer.prototype.build = function () {
    var self = this;
    var root = template.content.firstElementChild.cloneNode(true);
    this.view = {
      root: root,
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
    root.querySelector('.transfer-name').textContent = this.file.name;
    root.querySelector('.transfer-size').textContent = Format.bytes(this.file.size);
    root.setAttribute('data-name', this.file.name);
    root.setAttribute('data-identifier', this.file.uniqueIdentifier);
    this.view.pause.addEventListener('click', function () {
      self.pause();
    });
    this.view.resume.addEventListener('click', function () {
      self.resume();
    });
    this.view.cancel.addEventListener('click', function () {
      self.cancel();
    });
    this.view.dismiss.addEventListener('click', function () {
      self.remove();
    });
    list.appendChild(root);
  };

  Transfer.prototype.show = function (state, text) {
    this.state = state;
    var view = this.view;
    var final = FINAL[state] === true;
    view.root.setAttribute('data-state', state);
    view.state.textContent = text;
    view.pause.hidden = final || state === 'paused' || state === 'completing';
    view.resume.hidden = state !== 'paused';
    view.cancel.hidden = final;
    view.dismiss.hidden = !final;
    if (state !== 'uploading') {
      view.stats.textContent = '';
    }
  };

  Transfer.prototype.remove = function () {
    if (this.view.root.parentNode) {
      this.view.root.parentNode.removeChild(this.view.root);
    }
    transfers.splice(transfers.indexOf(this), 1);
  };

  /* Every answer of /api/resumable carries the upload id. */
  Transfer.prototype.learn = function (chunk) {
    var xhr = chunk.xhr;
    if (this.uploadId || !xhr || xhr.readyState !== 4 || xhr.status !== 200) {
      return;
    }
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.upload_id) {
        this.uploadId = body.upload_id;
        this.view.root.setAttribute('data-upload-id', this.uploadId);
      }
    } catch (ignored) {
      // not JSON: leave it to the next answer
    }
  };

  Transfer.prototype.chunkDone = function (chunk) {
    if (chunk.counted || chunk.status() !== 'success') {
      return;
    }
    chunk.counted = true;
    if (chunk.posted) {
      this.sentChunks += 1;
    } else {
      this.resumedChunks += 1;
    }
    this.view.root.setAttribute('data-sent-chunks', String(this.sentChunks));
    this.view.root.setAttribute('data-resumed-chunks', String(this.resumedChunks));
  };

  Transfer.prototype.progress = function () {
    var file = this.file;
    var percent = Math.min(100, Math.floor(file.progress() * 100));
    var loaded = Math.round(file.sizeUploaded());
    this.view.fill.style.width = percent + '%';
    this.view.bar.setAttribute('aria-valuenow', String(percent));
    this.view.root.setAttribute('data-loaded', String(loaded));
    if (this.state === 'paused' || this.state === 'completing' || FINAL[this.state]) {
      return;
    }
    var text = 'Uploading… ' + percent + ' %';
    if (this.resumedChunks > 0) {
      text += ' (' + this.resumedChunks + ' ' + (this.resumedChunks === 1 ? 'chunk was' : 'chunks were')
        + ' already on the server)';
    }
    this.show('uploading', text);
    var left = file.timeRemaining();
    this.view.stats.textContent = [Format.bytes(loaded) + ' of ' + Format.bytes(file.size),
      Format.rate(file.averageSpeed), isFinite(left) && left > 0 ? Format.duration(left) + ' left' : '']
      .filter(Boolean).join(' · ');
  };

  Transfer.prototype.pause = function () {
    this.file.pause();
    this.show('paused', 'Paused. What the server has is kept.');
    refreshList();
  };

  Transfer.prototype.resume = function () {
    this.show('uploading', 'Continuing…');
    this.file.resume();
  };

  Transfer.prototype.cancel = function () {
    var self = this;
    this.file.cancel();
    if (!this.uploadId) {
      this.show('cancelled', 'Cancelled.');
      return;
    }
    this.show('cancelled', 'Cancelling…');
    deleteUpload(this.uploadId, 0).then(function () {
      self.show('cancelled', 'Cancelled; what was sent is deleted.');
      refreshList();
    }, function () {
      self.show('cancelled', 'Cancelled; the server keeps what was sent until it expires.');
    });
  };

  Transfer.prototype.finish = function (body) {
    this.uploadId = body.upload_id;
    this.view.root.setAttribute('data-upload-id', body.upload_id);
    this.view.root.setAttribute('data-md5', body.md5);
    this.view.fill.style.width = '100%';
    this.view.bar.setAttribute('aria-valuenow', '100');
    this.view.md5.querySelector('code').textContent = body.md5;
    this.view.md5.hidden = false;
    this.show('complete', 'Complete');
    flow.removeFile(this.file);
    refreshList();
  };

  Transfer.prototype.fail = function (text) {
    this.show('failed', text);
    flow.removeFile(this.file);
  };

  /*
   * fileSuccess gets the answer to whichever chunk flow.js heard last: the completion,
   * or a progress answer when the completing chunk finished first. Then ask the server
   * (bounded) until it says complete.
   */
  Transfer.prototype.awaitCompletion = function (attempt) {
    var self = this;
    this.show('completing', 'Waiting for the server to finish the file…');
    Csrf.fetch(statusUrl + encodeURIComponent(this.uploadId), { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('status ' + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (body.status === 'complete') {
          self.finish(body);
        } else if (attempt < 60) {
          global.setTimeout(function () {
            self.awaitCompletion(attempt + 1);
          }, 500);
        } else {
          self.fail('The server did not finish the file. Choose it again to retry.');
        }
      })
      .catch(function () {
        self.fail('The server did not answer. Choose the file again to continue.');
      });
  };

  function deleteUpload(uploadId, attempt) {
    return Csrf.fetch(statusUrl + encodeURIComponent(uploadId), { method: 'DELETE' }).then(function (response) {
      if (response.ok || response.status === 404) {
        return null;
      }
      // 409: a chunk is still being written; it ends within moments.
      if ((response.status === 409 || response.status >= 500) && attempt < 10) {
        return delay(500).then(function () {
          return deleteUpload(uploadId, attempt + 1);
        });
      }
      throw new Error('status ' + response.status);
    });
  }

  function delay(millis) {
    return new Promise(function (resolve) {
      global.setTimeout(resolve, millis);
    });
  }

  function refreshList() {
    if (global.MyUploads) {
      global.MyUploads.refresh();
    }
  }

  function reason(chunk, message) {
    var status = chunk && chunk.xhr ? chunk.xhr.status : 0;
    var detail = Csrf.problem(status, message);
    switch (status) {
      case 401:
        return 'Your session ended: log in again and choose the file; it continues where it stopped.';
      case 403:
        return 'The server refused the upload' + (detail ? ': ' + detail : '.');
      case 404:
        return 'The upload is gone (expired or deleted)' + (detail ? ': ' + detail : '.')
          + ' Choose the file again to start over.';
      case 413:
        return 'The file is larger than the server accepts' + (detail ? ': ' + detail : '.');
      case 0:
        return 'The server could not be reached. Choose the file again to continue.';
      default:
        return 'The upload failed' + (detail ? ': ' + detail : ' (status ' + status + ').');
    }
  }

  function transferOf(file) {
    return file && file.transfer && !FINAL[file.transfer.state] ? file.transfer : null;
  }

  flow.on('fileAdded', function (file) {
    // A file chosen again after it ended gets a fresh row.
    transfers.filter(function (transfer) {
      return FINAL[transfer.state] && transfer.file.uniqueIdentifier === file.uniqueIdentifier;
    }).forEach(function (transfer) {
      transfer.remove();
    });
    file.transfer = new Transfer(file);
    transfers.push(file.transfer);
    file.transfer.show('uploading', 'Asking the server which chunks it has…');
    return true;
  });

  flow.on('filesSubmitted', function () {
    flow.upload();
  });

  flow.on('fileProgress', function (file, chunk) {
    var transfer = transferOf(file);
    if (!transfer) {
      return;
    }
    transfer.learn(chunk);
    transfer.chunkDone(chunk);
    transfer.progress();
  });

  flow.on('fileRetry', function (file, chunk) {
    var transfer = transferOf(file);
    var status = chunk.xhr ? chunk.xhr.status : 0;
    if (transfer && transfer.state !== 'paused' && (status === 0 || status >= 500)) {
      transfer.show('retrying', 'Connection lost; trying again…');
    }
  });

  flow.on('fileSuccess', function (file, message, chunk) {
    var transfer = transferOf(file);
    if (!transfer) {
      return;
    }
    transfer.learn(chunk);
    var body = null;
    try {
      body = JSON.parse(message);
    } catch (ignored) {
      // answered below
    }
    if (body && body.status === 'complete') {
      transfer.finish(body);
    } else if (transfer.uploadId) {
      transfer.awaitCompletion(0);
    } else {
      transfer.fail('Unexpected answer from the server. Choose the file again to retry.');
    }
  });

  flow.on('fileError', function (file, message, chunk) {
    var transfer = transferOf(file);
    if (transfer) {
      transfer.fail(reason(chunk, message));
    }
  });

  flow.assignBrowse(input);
  flow.assignDrop(dropZone);
  dropZone.addEventListener('dragenter', function () {
    dropZone.classList.add('over');
  });
  dropZone.addEventListener('dragleave', function (event) {
    if (!dropZone.contains(event.relatedTarget)) {
      dropZone.classList.remove('over');
    }
  });
  dropZone.addEventListener('drop', function () {
    dropZone.classList.remove('over');
  });

  global.addEventListener('beforeunload', function (event) {
    var busy = transfers.some(function (transfer) {
      return !FINAL[transfer.state] && transfer.state !== 'paused';
    });
    if (busy) {
      // Nothing is lost (choose the same file again to continue), but say so first.
      event.preventDefault();
      event.returnValue = '';
    }
  });

  global.FlowPage = { flow: flow };
  page.setAttribute('data-ready', 'true');
})(window);
