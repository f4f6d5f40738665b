/*
 * Shows every <time datetime="..."> of the page in the browser's time zone; the server
 * writes UTC, which stays in the tooltip.
 */
(function () {
  'use strict';

  document.querySelectorAll('time[datetime]').forEach(function (time) {
    time.title = time.textContent;
    time.textContent = Format.date(time.getAttribute('datetime'));
  });
})();
