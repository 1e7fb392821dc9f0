// Writing a report: totals computed as the user types (the edition's own definitions), the rules run on
// the server (POST /api/compose/check) a moment after the last change, the cells they name marked.
(function () {
  var form = document.getElementById('write-form');
  if (!form) return;
  var defs = JSON.parse(document.getElementById('totals-data').textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var summary = document.getElementById('check-summary');
  var list = document.getElementById('check-list');
  function input(ref) { return form.elements['c.' + ref]; }
  function num(ref) {
    var el = input(ref); if (!el) return null;
    var t = el.value.trim().replace(/,/g, '');
    if (t === '' || !/^-?\d+(\.\d+)?$/.test(t)) return null;
    return parseFloat(t);
  }
  function recompute() {
    var done = {}, pending = Object.keys(defs), guard = 0;
    while (pending.length && guard++ < 10) {
      pending = pending.filter(function (ref) {
        var alts = defs[ref].filter(function (terms) { return terms.every(function (t) { return !(t in defs) || done[t]; }); });
        if (!alts.length) return true;
        var value = null;
        for (var i = 0; i < alts.length && value === null; i++) {
          var nums = alts[i].map(num).filter(function (v) { return v !== null; });
          if (nums.length) value = nums.reduce(function (a, b) { return a + b; }, 0);
        }
        var el = input(ref);
        if (el) el.value = value === null ? '' : String(Math.round(value * 1e6) / 1e6);
        done[ref] = true;
        return false;
      });
    }
  }
  function data() {
    var d = { agency: form.elements.agency.value, agency_id: parseInt(form.elements.agency_id.value, 10) || null, year: parseInt(form.elements.year.value, 10) || null,
              date: form.elements.date.value || null, edition: form.elements.edition.value || null,
              previous_id: parseInt(form.elements.previous_id.value, 10) || null, sections: {}, cells: {} };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.name.indexOf('c.') === 0 && !(el.name.slice(2) in defs)) d.cells[el.name.slice(2)] = el.value;
      if (el.name.indexOf('s.') === 0) d.sections[el.name.slice(2)] = el.value;
    });
    return d;
  }
  var timer = null, seq = 0;
  function mark(findings) {
    form.querySelectorAll('td.flag-error, td.flag-warning').forEach(function (td) { td.classList.remove('flag-error', 'flag-warning'); });
    findings.forEach(function (f) {
      if (f.severity === 'info') return;
      (f.cells || []).forEach(function (ref) {
        var sel = ref.split('.').length === 3 ? 'td[data-ref="' + ref + '"]' : 'td[data-ref^="' + ref + '."]';
        form.querySelectorAll(sel).forEach(function (td) { td.classList.add('flag-' + f.severity); });
      });
    });
  }
  function check() {
    var mine = ++seq;
    summary.textContent = '正在检查……';
    fetch('/api/compose/check', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(data()) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (mine !== seq) return;
        list.innerHTML = '';
        if (!res.ok) { summary.textContent = res.body.detail || '数据有误'; mark([]); return; }
        var c = res.body.counts;
        summary.textContent = '错误 ' + c.error + ' 条，警告 ' + c.warning + ' 条，提示 ' + c.info + ' 条' +
          (c.error ? '。请先改正错误再生成。' : '。');
        res.body.findings.forEach(function (f) {
          var li = document.createElement('li');
          li.className = f.severity;
          li.textContent = f.severity_zh + ' ' + f.code + '：' + f.message;
          li.addEventListener('click', function () {
            var ref = (f.cells || [])[0];
            var el = ref && (input(ref) || form.querySelector('td[data-ref^="' + ref + '."] input'));
            if (el) el.focus();
          });
          list.appendChild(li);
        });
        mark(res.body.findings);
      })
      .catch(function () { if (mine === seq) summary.textContent = '检查暂不可用（网络错误）'; });
  }
  function changed() { recompute(); clearTimeout(timer); timer = setTimeout(check, 500); }
  form.addEventListener('input', changed);
  recompute();
  check();
})();
