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
 *
 * The rows and the drop zone are the shared TransferList (transfer-list.js); this script
 * drives flow.js.
 */
(function (global) {
  'use strict';

  var page = document.getElementById('flow-page');
  if (!page) {
    return;
  }
  var dropZone = document.getElementById('flow-drop-zone');
  var input = document.getElementById('flow-input');
  var statusUrl = page.getAttribute('data-status-url');

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

  // flow.js sends three chunks at a time over all files: the list keeps no line.
  var list = TransferList.create({
    element: document.getElementById('flow-transfers'),
    template: document.getElementById('flow-transfer-template'),
    key: function (file) {
      return file.uniqueIdentifier;
    },
    // The server has every chunk then and is joining them: nothing is left to hold.
    noPause: ['completing']
  });

  function Transfer(file) {
    this.file = file;
    this.uploadId = null;
    this.sentChunks = 0;
    this.resumedChunks = 0;
    this.row = list.row(file, this);
    this.row.set('data-identifier', file.uniqueIdentifier);
  }

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
        this.row.set('data-upload-id', this.uploadId);
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
    this.row.set('data-sent-chunks', this.sentChunks);
    this.row.set('data-resumed-chunks', this.resumedChunks);
  };

  Transfer.prototype.progress = function () {
    var file = this.file;
    var percent = Math.min(100, Math.floor(file.progress() * 100));
    var loaded = Math.round(file.sizeUploaded());
    var state = this.row.state;
    this.row.bar(percent, loaded);
    if (state === 'paused' || state === 'completing' || this.row.final()) {
      return;
    }
    var text = 'Uploading… ' + percent + ' %';
    if (this.resumedChunks > 0) {
      text += ' (' + this.resumedChunks + ' ' + (this.resumedChunks === 1 ? 'chunk was' : 'chunks were')
        + ' already on the server)';
    }
    this.row.show('uploading', text);
    // flow.js measures the speed itself.
    this.row.stats(Format.bytes(loaded) + ' of ' + Format.bytes(file.size), loaded, file.averageSpeed);
  };

  Transfer.prototype.pause = function () {
    this.file.pause();
    this.row.show('paused', 'Paused. What the server has is kept.');
    TransferList.uploadsChanged();
  };

  Transfer.prototype.resume = function () {
    this.row.show('uploading', 'Continuing…');
    this.file.resume();
  };

  Transfer.prototype.cancel = function () {
    this.file.cancel();
    this.row.cancelled(this.uploadId ? deleteUpload(this.uploadId, 0) : null, {
      removing: 'Cancelling…',
      kept: 'Cancelled; the server keeps what was sent until it expires.'
    });
  };

  Transfer.prototype.finish = function (body) {
    this.uploadId = body.upload_id;
    this.row.set('data-upload-id', body.upload_id);
    this.row.bar(100);
    this.row.showMd5(body.md5);
    this.row.show('complete', 'Complete');
    flow.removeFile(this.file);
    TransferList.uploadsChanged();
  };

  Transfer.prototype.fail = function (text) {
    this.row.show('failed', text);
    flow.removeFile(this.file);
  };

  /*
   * fileSuccess gets the answer to whichever chunk flow.js heard last: the completion,
   * or a progress answer when the completing chunk finished first. Then ask the server
   * (bounded) until it says complete.
   */
  Transfer.prototype.awaitCompletion = function () {
    var self = this;
    this.row.show('completing', 'Waiting for the server to finish the file…');
    TransferList.whenComplete(statusUrl + encodeURIComponent(this.uploadId)).then(function (body) {
      self.finish(body);
    }, function (error) {
      self.fail(error.unfinished ? 'The server did not finish the file. Choose it again to retry.'
        : 'The server did not answer. Choose the file again to continue.');
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
        return TransferList.tooLarge(detail);
      case 0:
        return 'The server could not be reached. Choose the file again to continue.';
      default:
        return 'The upload failed' + (detail ? ': ' + detail : ' (status ' + status + ').');
    }
  }

  function transferOf(file) {
    return file && file.transfer && !file.transfer.row.final() ? file.transfer : null;
  }

  flow.on('fileAdded', function (file) {
    list.removeEnded(file);
    file.transfer = new Transfer(file);
    file.transfer.row.show('uploading', 'Asking the server which chunks it has…');
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
    if (transfer && transfer.row.state !== 'paused' && (status === 0 || status >= 500)) {
      transfer.row.show('retrying', 'Connection lost; trying again…');
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
      transfer.awaitCompletion();
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
  TransferList.dropZone(dropZone);

  global.FlowPage = { flow: flow };
  page.setAttribute('data-ready', 'true');
})(window);
