/**
 * The dashboard's only script, served as /dashboard/assets/dashboard.js (CSP `script-src 'self'`).
 * Live preview: shortly after the survey form changes it re-submits the two preview buttons,
 * whose formtarget is a sandboxed frame. Without JavaScript the buttons do the same on click.
 */
export const DASHBOARD_JS = `(function () {
  var form = document.querySelector('form[data-live-preview]');
  if (!form || typeof form.requestSubmit !== 'function') return;
  var buttons = form.querySelectorAll('button[data-preview]');
  var timer;
  // One submission per task: a form submitted twice in one task drops the first planned
  // navigation (HTML's "planned navigation"), which would leave one of the frames stale.
  function refresh() {
    buttons.forEach(function (b, i) {
      setTimeout(function () { form.requestSubmit(b); }, i * 50);
    });
  }
  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(refresh, ms);
  }
  form.addEventListener('input', function () { later(400); });
  form.addEventListener('change', function () { later(100); });
  refresh();
})();
`;
