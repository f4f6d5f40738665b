/* The admin and API tokens pages work without this script; it adds a confirmation before a
   delete or revoke and shows times in the browser's time zone. */
(function () {
  'use strict';

  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) {
        event.preventDefault();
      }
    });
  });

  document.querySelectorAll('time[datetime]').forEach(function (time) {
    time.title = time.textContent;
    time.textContent = Format.date(time.getAttribute('datetime'));
  });

  document.querySelectorAll('#filters select').forEach(function (select) {
    select.addEventListener('change', function () {
      select.form.submit();
    });
  });
})();
