/*
 * "My uploads" (templates/fragments/uploads.html): the caller's uploads from
 * /api/uploads, with download and delete. MyUploads.refresh() reloads the list; other
 * scripts call it when an upload completes, and may listen for the 'uploads-loaded'
 * event on document (detail: the uploads as /api/uploads lists them). Incomplete
 * uploads say how to continue them.
 */
(function (global) {
  'use strict';

  var section = document.getElementById('my-uploads');
  if (!section) {
    return;
  }
  var url = section.getAttribute('data-uploads-url');
  var table = document.getElementById('my-uploads-table');
  var body = table.querySelector('tbody');
  var status = document.getElementById('my-uploads-status');
  var pending = null;
  var again = false;

  function cell(label, content) {
    var td = document.createElement('td');
    if (label) {
      td.setAttribute('data-label', label);
    }
    if (content instanceof Node) {
      td.appendChild(content);
    } else {
      td.textContent = content === null || content === undefined ? '' : String(content);
    }
    return td;
  }

  function element(tag, className, text) {
    var result = document.createElement(tag);
    if (className) {
      result.className = className;
    }
    if (text !== undefined) {
      result.textContent = text;
    }
    return result;
  }

  function sizeText(upload) {
    if (upload.status === 'uploading' || upload.status === 'expired') {
      return Format.bytes(upload.offset) + ' of ' + (upload.size === null ? 'unknown' : Format.bytes(upload.size));
    }
    return Format.bytes(upload.size === null ? upload.offset : upload.size);
  }

  function row(upload) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-upload-id', upload.upload_id);
    tr.setAttribute('data-status', upload.status);

    var file = element('div');
    file.appendChild(element('span', 'filename', upload.filename));
    if (upload.status === 'uploading') {
      file.appendChild(element('div', 'muted small', 'Incomplete: choose the same file again to continue.'));
    }
    tr.appendChild(cell('File', file));

    tr.appendChild(cell('Status', element('span', 'badge ' + upload.status, upload.status)));
    tr.appendChild(cell('Size', sizeText(upload)));
    tr.appendChild(cell('Created', Format.date(upload.created)));
    tr.appendChild(cell(upload.completed ? 'Completed' : 'Last activity',
      Format.date(upload.completed || upload.last_activity)));
    var md5 = element('code', 'md5', upload.md5 || '');
    if (upload.md5) {
      md5.title = upload.md5;
    }
    tr.appendChild(cell('MD5', md5));

    var actions = cell(null, '');
    actions.className = 'actions';
    if (upload.status === 'complete') {
      var download = element('a', 'button small download', 'Download');
      download.href = url + '/' + encodeURIComponent(upload.upload_id) + '/content';
      download.setAttribute('download', '');
      actions.appendChild(download);
    }
    var remove = element('button', 'button small danger delete', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', function () {
      remove.disabled = true;
      deleteUpload(upload).then(null, function () {
        remove.disabled = false;
      });
    });
    actions.appendChild(remove);
    tr.appendChild(actions);
    return tr;
  }

  function deleteUpload(upload) {
    if (!global.confirm('Delete ' + upload.filename + '? Its bytes are removed from the server.')) {
      return Promise.reject(new Error('not confirmed'));
    }
    return Csrf.fetch(url + '/' + encodeURIComponent(upload.upload_id), { method: 'DELETE' })
      .then(function (response) {
        if (!response.ok && response.status !== 404) {
          return response.text().then(function (text) {
            status.textContent = 'Could not delete ' + upload.filename + ': '
              + (Csrf.problem(response.status, text) || 'HTTP ' + response.status);
            status.hidden = false;
            throw new Error('delete failed');
          });
        }
        document.dispatchEvent(new CustomEvent('upload-deleted', { detail: upload }));
        return refresh();
      });
  }

  function render(uploads) {
    body.textContent = '';
    uploads.forEach(function (upload) {
      body.appendChild(row(upload));
    });
    table.hidden = uploads.length === 0;
    status.hidden = uploads.length !== 0;
    status.textContent = 'No uploads yet.';
    document.dispatchEvent(new CustomEvent('uploads-loaded', { detail: uploads }));
  }

  /* One request at a time; a refresh asked for meanwhile runs once after it. */
  function refresh() {
    if (pending) {
      again = true;
      return pending;
    }
    pending = global.fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) {
          throw new Error('Your session has ended: log in again.');
        }
        if (!response.ok) {
          throw new Error('The list could not be loaded (HTTP ' + response.status + ').');
        }
        return response.json();
      })
      .then(render, function (error) {
        status.textContent = error instanceof TypeError ? 'The server cannot be reached right now.'
          : error.message || 'The list could not be loaded.';
        status.hidden = false;
      })
      .then(function () {
        pending = null;
        section.setAttribute('data-loaded', String(Date.now()));
        if (again) {
          again = false;
          return refresh();
        }
      });
    return pending;
  }

  document.getElementById('my-uploads-refresh').addEventListener('click', refresh);
  global.MyUploads = { refresh: refresh };
  refresh();
})(window);
