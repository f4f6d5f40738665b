/*
 * Numbers and dates for people, shared by the pages.
 *
 *   Format.bytes(1536)         "1.50 KiB"
 *   Format.rate(bytesPerSec)   "12.3 MiB/s"
 *   Format.duration(seconds)   "1 min 20 s"
 *   Format.date(iso)           the browser's local date and time
 */
(function (global) {
  'use strict';

  var UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

  function bytes(value) {
    if (value === null || value === undefined || isNaN(value)) {
      return 'unknown';
    }
    if (value < 1024) {
      return value + (value === 1 ? ' byte' : ' bytes');
    }
    var unit = -1;
    do {
      value /= 1024;
      unit += 1;
    } while (value >= 1024 && unit < UNITS.length - 1);
    return value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0) + ' ' + UNITS[unit];
  }

  function rate(bytesPerSecond) {
    return bytesPerSecond > 0 ? bytes(Math.round(bytesPerSecond)) + '/s' : '';
  }

  function duration(seconds) {
    if (!isFinite(seconds) || seconds < 0) {
      return '';
    }
    seconds = Math.ceil(seconds);
    if (seconds < 60) {
      return seconds + ' s';
    }
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
      return minutes + ' min ' + (seconds % 60) + ' s';
    }
    return Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function date(iso) {
    if (!iso) {
      return '';
    }
    var value = new Date(iso);
    return isNaN(value.getTime()) ? iso : value.toLocaleString();
  }

  global.Format = { bytes: bytes, rate: rate, duration: duration, date: date };
})(window);
