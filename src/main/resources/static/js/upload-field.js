/*
 * The upload-field widget (templates/fragments/upload-field.html): sends the chosen file
 * to /api/resumable with resumable.js, in parallel chunks, resuming what the server
 * already has, and puts the upload id into the field's hidden input when the server says
 * the upload is complete. While a file is uploading, the submit buttons of its form are
 * disabled (and a submit by the Enter key is held back).
 *
 * Needs csrf.js (the layout loads it) and transfer-list.js, which waits for the server to
 * complete an upload as the upload pages do.
 *
 * Settings come from data- attributes of the field (the Content-Security-Policy allows no
 * inline script): data-target, data-status-url, data-chunk-size. The field's data-state
 * says where it is: idle, uploading, complete or failed.
 *
 * Fields on the page are set up when it loads; call UploadField.init(element) for one
 * added later.
 */
(function () {
  'use strict';

  function busyForms() {
    return window.UploadField.busy || (window.UploadField.busy = new Map());
  }

  function setBusy(form, field, busy) {
    if (!form) {
      return;
    }
    var fields = busyForms().get(form) || new Set();
    if (busy) {
      fields.add(field);
    } else {
      fields.delete(field);
    }
    busyForms().set(form, fields);
    form.querySelectorAll('button[type="submit"], input[type="submit"], button:not([type])').forEach(function (button) {
      button.disabled = fields.size > 0;
    });
    form.toggleAttribute('data-uploading', fields.size > 0);
  }

  function message(text) {
    try {
      var body = JSON.parse(text);
      return body.detail || body.status || text;
    } catch (e) {
      return text || 'no answer';
    }
  }

  function init(field) {
    if (field.uploadField) {
      return field.uploadField;
    }
    var hidden = field.querySelector('[data-upload-id]');
    var chooser = field.querySelector('[data-upload-chooser]');
    var progress = field.querySelector('[data-upload-progress]');
    var status = field.querySelector('[data-upload-status]');
    var form = field.closest('form');
    var statusUrl = field.getAttribute('data-status-url') || '/api/uploads/';
    var resumable = new Resumable({
      target: field.getAttribute('data-target') || '/api/resumable',
      chunkSize: parseInt(field.getAttribute('data-chunk-size'), 10) || 1024 * 1024,
      // The last chunk no larger than the others: the server's chunk size limit holds for
      // every chunk.
      forceChunkSize: true,
      simultaneousUploads: 3,
      testChunks: true,
      maxFiles: 1,
      headers: Csrf.headers(),
      // 423 (a chunk another request is writing) and 5xx other than 500/501 are retried.
      permanentErrors: [400, 401, 403, 404, 413, 415, 500, 501],
      maxChunkRetries: 30,
      chunkRetryInterval: 1000
    });
    var widget = { field: field, resumable: resumable };
    field.uploadField = widget;
    if (!resumable.support) {
      status.textContent = 'This browser cannot upload files in chunks.';
      return widget;
    }
    resumable.assignBrowse(chooser);

    function state(value) {
      field.setAttribute('data-state', value);
    }

    function finish(body) {
      hidden.value = body.upload_id;
      progress.value = 100;
      state('complete');
      status.textContent = body.filename + ' (' + body.size + ' bytes) uploaded';
      setBusy(form, field, false);
      field.dispatchEvent(new CustomEvent('upload-field:complete', { bubbles: true, detail: body }));
    }

    function fail(text) {
      hidden.value = '';
      state('failed');
      status.textContent = 'Upload failed: ' + text;
      setBusy(form, field, false);
      field.dispatchEvent(new CustomEvent('upload-field:error', { bubbles: true, detail: text }));
    }

    // The response that fileSuccess gets is whichever chunk the client heard last; if
    // that was not the one that completed the upload, ask the server (bounded).
    function awaitCompletion(uploadId) {
      TransferList.whenComplete(statusUrl + encodeURIComponent(uploadId)).then(function (body) {
        finish({ upload_id: body.upload_id, filename: body.filename, size: body.size });
      }, function (error) {
        fail(error.unfinished ? 'the server did not finish the upload' : 'the server did not answer');
      });
    }

    resumable.on('fileAdded', function (file) {
      resumable.files.slice().forEach(function (other) {
        if (other !== file) {
          other.cancel();
        }
      });
      hidden.value = '';
      progress.value = 0;
      state('uploading');
      status.textContent = 'Uploading ' + file.fileName + '...';
      setBusy(form, field, true);
      resumable.upload();
    });
    resumable.on('fileProgress', function (file) {
      var percent = Math.floor(file.progress() * 100);
      progress.value = percent;
      status.textContent = 'Uploading ' + file.fileName + '... ' + percent + ' %';
    });
    resumable.on('fileSuccess', function (file, text) {
      var body;
      try {
        body = JSON.parse(text);
      } catch (e) {
        fail('unexpected answer from the server');
        return;
      }
      if (body.status === 'complete') {
        finish(body);
      } else {
        awaitCompletion(body.upload_id);
      }
    });
    resumable.on('fileError', function (file, text) {
      fail(message(text));
    });
    if (form && !form.uploadFieldGuard) {
      form.uploadFieldGuard = true;
      form.addEventListener('submit', function (event) {
        if (form.hasAttribute('data-uploading')) {
          event.preventDefault();
        }
      });
    }
    return widget;
  }

  window.UploadField = window.UploadField || {};
  window.UploadField.init = init;
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-upload-field]').forEach(init);
  });
})();
