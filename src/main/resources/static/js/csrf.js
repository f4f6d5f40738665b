/*
 * The CSRF token of the page's session, for every script that changes something.
 * The layout puts it in <meta name="_csrf"> and <meta name="_csrf_header">.
 *
 *   Csrf.headers()                  {'X-CSRF-TOKEN': '...'} (plus any headers given)
 *   Csrf.fetch(url, options)        fetch() with the session cookie, and the token on
 *                                   anything but GET/HEAD/OPTIONS
 *   Csrf.jQuery(jQuery)             sends the token with jQuery's non-GET requests
 *   Csrf.problem(status, text)      the "detail" of an application/problem+json body
 */
(function (global) {
  'use strict';

  var SAFE = /^(GET|HEAD|OPTIONS|TRACE)$/i;

  function meta(name) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.getAttribute('content') : null;
  }

  function headers(extra) {
    var result = {};
    var key;
    for (key in extra || {}) {
      if (Object.prototype.hasOwnProperty.call(extra, key)) {
        result[key] = extra[key];
      }
    }
    var name = meta('_csrf_header');
    var token = meta('_csrf');
    if (name && token) {
      result[name] = token;
    }
    return result;
  }

  function csrfFetch(url, options) {
    var settings = {};
    var key;
    for (key in options || {}) {
      if (Object.prototype.hasOwnProperty.call(options, key)) {
        settings[key] = options[key];
      }
    }
    settings.credentials = settings.credentials || 'same-origin';
    if (!SAFE.test(settings.method || 'GET')) {
      settings.headers = headers(settings.headers);
    }
    return global.fetch(url, settings);
  }

  function installJQuery($) {
    $.ajaxPrefilter(function (options, originalOptions, xhr) {
      if (!options.crossDomain && !SAFE.test(options.type || 'GET')) {
        var name = meta('_csrf_header');
        var token = meta('_csrf');
        if (name && token) {
          xhr.setRequestHeader(name, token);
        }
      }
    });
  }

  function problem(status, text) {
    try {
      var body = JSON.parse(text);
      if (body && typeof body.detail === 'string') {
        return body.detail;
      }
    } catch (ignored) {
      // not JSON: a proxy's HTML page, or nothing at all
    }
    return null;
  }

  global.Csrf = {
    token: function () {
      return meta('_csrf');
    },
    headerName: function () {
      return meta('_csrf_header');
    },
    headers: headers,
    fetch: csrfFetch,
    jQuery: installJQuery,
    problem: problem
  };
})(window);
