// A report's page: a finding and the cells it names light up together.
(function () {
  function clear() {
    document.querySelectorAll('.focus').forEach(function (el) { el.classList.remove('focus'); });
    document.querySelectorAll('.finding.active').forEach(function (el) { el.classList.remove('active'); });
  }
  function cellsFor(ref) {
    var parts = ref.split('.');
    if (parts.length === 3) return document.querySelectorAll('td[data-ref="' + ref + '"]');
    return document.querySelectorAll('td[data-ref^="' + ref + '."], td[data-row="' + ref + '"]');
  }
  function focusFinding(el, scroll) {
    clear();
    el.classList.add('active');
    var first = null;
    (el.dataset.cells || '').split(' ').filter(Boolean).forEach(function (ref) {
      cellsFor(ref).forEach(function (td) { td.classList.add('focus'); if (!first) first = td; });
    });
    if (first && scroll) first.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }
  document.querySelectorAll('.finding').forEach(function (el) {
    el.addEventListener('click', function (ev) {
      if (ev.target.closest('form')) return;
      focusFinding(el, true);
    });
    el.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' && !ev.target.closest('form')) focusFinding(el, true); });
  });
  document.querySelectorAll('td[data-findings]').forEach(function (td) {
    td.style.cursor = 'pointer';
    td.addEventListener('click', function () {
      var idx = td.dataset.findings.split(' ')[0];
      var f = document.querySelector('.finding[data-index="' + idx + '"]');
      if (f) { focusFinding(f, false); f.scrollIntoView({ behavior: 'smooth', block: 'nearest' }); }
    });
  });
  // an uncertain or reviewed cell: to its entry, the input ready; a candidate fills the input
  document.querySelectorAll('td[data-cell]').forEach(function (td) {
    td.addEventListener('click', function () {
      var entry = document.getElementById(td.dataset.cell);
      if (!entry) return;
      document.querySelectorAll('.ucell.active').forEach(function (el) { el.classList.remove('active'); });
      entry.classList.add('active');
      entry.scrollIntoView({ behavior: 'smooth', block: 'center' });
      var input = entry.querySelector('input[name=value]');
      if (input) input.focus({ preventScroll: true });
    });
  });
  document.querySelectorAll('.ucell button.cand').forEach(function (b) {
    b.addEventListener('click', function () {
      var input = b.closest('.ucell').querySelector('input[name=value]');
      if (input) { input.value = b.dataset.value; input.focus(); }
    });
  });
  if (location.hash && location.hash.indexOf('#f-') === 0) {
    var f = document.getElementById(location.hash.slice(1));
    if (f) focusFinding(f, false);
  }
})();
