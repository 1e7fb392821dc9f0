// Writing a report: totals computed as the user types (the edition's own definitions), the rules run on
// the server (POST /api/compose/check) a moment after the last change, the cells they name marked; the
// draft saved on the server a moment after the last change (POST /write/draft) and a warning before
// leaving with changes not yet saved; 现行有效件数 following 制发 and 废止 until the user types it; a block
// of cells pasted from Excel, arrow keys and Enter between cells, blank cells filled with 0 in one click.
(function () {
  var form = document.getElementById('write-form');
  if (!form) return;
  var defs = JSON.parse(document.getElementById('totals-data').textContent);
  var W = JSON.parse(document.getElementById('writer-data').textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var summary = document.getElementById('check-summary');
  var list = document.getElementById('check-list');
  var saveState = document.getElementById('save-state');
  var typed = {};
  (W.typed || []).forEach(function (r) { typed[r] = true; });
  var formulas = W.formulas || {};
  var revision = W.revision || 0;
  var lastCounts = null;

  function input(ref) { return form.elements['c.' + ref]; }
  function refOf(el) { return el && el.name && el.name.indexOf('c.') === 0 ? el.name.slice(2) : null; }
  function parse(text) {
    var t = String(text).trim().replace(/,/g, '');
    if (t === '') return 0;
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }
  function num(ref) {
    var el = input(ref); if (!el || el.value.trim() === '') return null;
    return parse(el.value);
  }
  function show(v) { return String(Math.round(v * 1e6) / 1e6); }

  // ---------------------------------------------------------------------------- totals and stock cells
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
        if (el) el.value = value === null ? '' : show(value);
        done[ref] = true;
        return false;
      });
    }
  }
  // 现行有效件数 = last year's + 本年制发 − 本年废止 (a blank counts as 0, as in the Excel form), while the
  // user has not typed the cell itself
  function stocks() {
    Object.keys(formulas).forEach(function (ref) {
      var el = input(ref), f = formulas[ref];
      if (!el || typed[ref]) return;
      var value = f[0];
      var parts = f[1].map(function (r) { return [r, 1]; }).concat(f[2].map(function (r) { return [r, -1]; }));
      for (var i = 0; i < parts.length; i++) {
        var other = input(parts[i][0]);
        var v = other ? parse(other.value) : 0;
        if (v === null) return;  // not a number yet: leave the cell as it is
        value += parts[i][1] * v;
      }
      el.value = show(value);
    });
  }
  function markTyped(ref) {
    typed[ref] = true;
    form.elements.typed.value = Object.keys(typed).sort().join(',');
  }

  // ---------------------------------------------------------------------------- the form's data
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

  // ---------------------------------------------------------------------------- the live check
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
        if (!res.ok) { summary.textContent = res.body.detail || '数据有误'; mark([]); lastCounts = null; return; }
        var c = res.body.counts;
        lastCounts = c;
        summary.textContent = '错误 ' + c.error + ' 条，警告 ' + c.warning + ' 条，提示 ' + c.info + ' 条' +
          (c.error ? '。请先改正错误再提交。' : '。');
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

  // ---------------------------------------------------------------------------- the draft on the server
  var saveTimer = null, saving = false, dirty = false, stopped = false, leaving = false;
  function status(text, bad) {
    saveState.textContent = text;
    saveState.classList.toggle('bad', !!bad);
  }
  function payload() {
    var d = data();
    return { agency_id: W.agency_id, year: W.year, revision: revision, base_report_id: W.base_report_id,
             data: { agency: d.agency, date: d.date, edition: d.edition, sections: d.sections, cells: d.cells,
                     typed: Object.keys(typed) } };
  }
  // an answer that is not JSON (a page's error page) still gets a reason in words
  var REFUSED = { 403: '草稿未能保存：您的账户无权保存该机关的草稿', 404: '草稿未能保存：找不到该机关',
                  409: '草稿未能保存：另一个窗口已保存了更新的内容，请刷新本页', 413: '草稿未能保存：内容太多',
                  422: '草稿未能保存：填写的内容有误' };
  function answer(r) {
    return r.json().catch(function () { return {}; })
      .then(function (j) { return { ok: r.ok, status: r.status, body: j || {} }; });
  }
  function save() {
    clearTimeout(saveTimer);
    if (stopped || !dirty) return;
    if (saving) { saveTimer = setTimeout(save, 300); return; }
    saving = true; dirty = false;
    status('正在保存草稿……');
    fetch('/write/draft', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(payload()) })
      .then(answer)
      .then(function (res) {
        saving = false;
        if (res.ok) {
          revision = res.body.revision;
          form.elements.revision.value = revision;
          if (dirty) { saveTimer = setTimeout(save, 300); } else { status('草稿已保存（' + res.body.saved_at + '）'); }
          return;
        }
        dirty = true;
        if (res.status === 401) { status('登录已过期，草稿未能保存：请在另一个窗口重新登录，本页会自动再保存', true); saveTimer = setTimeout(save, 10000); return; }
        if ([403, 404, 409, 413].indexOf(res.status) >= 0) { stopped = true; status(res.body.detail || REFUSED[res.status], true); return; }
        status((res.body.detail || REFUSED[res.status] || '草稿未能保存') + '；稍后自动重试', true);
        saveTimer = setTimeout(save, 5000);
      })
      .catch(function () {
        saving = false; dirty = true;
        status('草稿未能保存（网络中断？），稍后自动重试；请先不要关闭页面', true);
        saveTimer = setTimeout(save, 5000);
      });
  }
  function changed() {
    recompute();
    clearTimeout(timer); timer = setTimeout(check, 500);
    dirty = true;
    if (!stopped) status('有修改，稍后自动保存……');
    clearTimeout(saveTimer); saveTimer = setTimeout(save, 800);
  }
  window.addEventListener('beforeunload', function (e) {
    if (leaving || !(dirty || saving)) return;
    e.preventDefault();
    e.returnValue = '';  // the browser asks whether to leave: changes not yet saved would be lost
  });

  form.addEventListener('input', function (e) {
    if (e.target.name === 'note') return;  // the submission's note is not part of the report
    var ref = refOf(e.target);
    if (ref) { markTyped(ref); stocks(); }
    changed();
  });
  form.addEventListener('submit', function (e) {
    var action = e.submitter && e.submitter.getAttribute('formaction');
    if (action === '/write/submit' && lastCounts && lastCounts.error && !form.elements.note.value.trim()) {
      e.preventDefault();
      summary.textContent = '还有 ' + lastCounts.error + ' 个错误没有改正。请改正后再提交；确需按现在的内容提交的，请在“提交说明”中写明理由，审核人会看到。';
      form.elements.note.focus();
      return;
    }
    form.elements.typed.value = Object.keys(typed).sort().join(',');
    if (action === '/write/submit' || action === '/write/store') leaving = true;  // the page goes; the server keeps it
    else save();  // a download: the page stays
  });

  // ---------------------------------------------------------------------------- moving between cells
  var rows = [];  // rows of the tables that hold cells, in the page's order: {table, cells}
  form.querySelectorAll('table.form').forEach(function (table) {
    table.querySelectorAll('tr').forEach(function (tr) {
      var cells = Array.prototype.slice.call(tr.querySelectorAll('td[data-ref] input'));
      if (!cells.length) return;
      var r = rows.length;
      cells.forEach(function (el, c) { el.dataset.r = r; el.dataset.c = c; });
      rows.push({ table: table, cells: cells });
    });
  });
  function at(el) { return [parseInt(el.dataset.r, 10), parseInt(el.dataset.c, 10)]; }
  function go(el, dr, dc) {
    var p = at(el), r = p[0] + dr, row = rows[r];
    if (!row) return false;
    var target = dr ? row.cells[Math.min(p[1], row.cells.length - 1)] : row.cells[p[1] + dc];
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }
  form.addEventListener('keydown', function (e) {
    var el = e.target;
    if (e.key === 'Enter' && el.tagName === 'INPUT') {
      e.preventDefault();  // Enter moves on; it never sends the form
      if (refOf(el) && el.dataset.r !== undefined) go(el, e.shiftKey ? -1 : 1, 0);
      return;
    }
    if (!refOf(el) || el.dataset.r === undefined || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var len = el.value.length, s = el.selectionStart, t = el.selectionEnd;
    var whole = s === 0 && t === len;
    var moved = false;
    if (e.key === 'ArrowUp') moved = go(el, -1, 0);
    else if (e.key === 'ArrowDown') moved = go(el, 1, 0);
    else if (e.key === 'ArrowLeft' && (whole || (s === 0 && t === 0))) moved = go(el, 0, -1);
    else if (e.key === 'ArrowRight' && (whole || (s === len && t === len))) moved = go(el, 0, 1);
    if (moved || e.key === 'ArrowUp' || e.key === 'ArrowDown') e.preventDefault();
  });
  form.addEventListener('focusin', function (e) {
    if (refOf(e.target) && !e.target.readOnly) e.target.select();
  });

  // ---------------------------------------------------------------------------- a block pasted from Excel
  var toolNote = document.createElement('p');
  toolNote.id = 'tool-note';
  toolNote.className = 'small';
  document.getElementById('fill-zero').parentNode.appendChild(toolNote);
  form.addEventListener('paste', function (e) {
    var el = e.target;
    if (!refOf(el) || el.dataset.r === undefined) return;
    var text = (e.clipboardData || window.clipboardData).getData('text/plain') || '';
    if (!/[\t\r\n]/.test(text.replace(/[\r\n]+$/, ''))) return;  // one value: the browser pastes it
    e.preventDefault();
    var lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
    var p = at(el), table = rows[p[0]].table;
    var filled = 0, totals = 0, outside = 0;
    lines.forEach(function (line, i) {
      var row = rows[p[0] + i], values = line.split('\t');
      values.forEach(function (v, j) {
        var target = row && row.table === table ? row.cells[p[1] + j] : null;
        if (!target) { if (v.trim() !== '') outside++; return; }
        if (target.readOnly) { totals++; return; }
        target.value = v.trim();
        markTyped(refOf(target));
        filled++;
      });
    });
    stocks();
    changed();
    toolNote.textContent = '已粘贴 ' + filled + ' 格' + (totals ? '；合计格 ' + totals + ' 个未粘贴（按明细自动计算）' : '') +
      (outside ? '；超出本表的 ' + outside + ' 个数值未粘贴' : '') + '。';
  });

  // ---------------------------------------------------------------------------- blank cells to 0
  document.getElementById('fill-zero').addEventListener('click', function () {
    var n = 0;
    rows.forEach(function (row) {
      row.cells.forEach(function (el) {
        if (el.readOnly || el.value.trim() !== '' || typed[refOf(el)]) return;
        el.value = '0';
        n++;
      });
    });
    if (n) { stocks(); changed(); }
    toolNote.textContent = n ? '已把 ' + n + ' 个空格填为 0。请核对：确实发生了的事项要填实际数。' : '没有空着的格。';
  });

  // ---------------------------------------------------------------------------- the other forms of the page
  var discard = document.getElementById('discard-form');
  if (discard) discard.addEventListener('submit', function (e) {
    if (!window.confirm('放弃后，草稿中的内容无法恢复。确定放弃草稿吗？')) { e.preventDefault(); return; }
    leaving = true;
  });
  var file = document.getElementById('excel-file');
  if (file) file.addEventListener('change', function () {
    document.getElementById('excel-name').textContent = file.files.length ? file.files[0].name : '未选择文件';
  });
  var excel = document.getElementById('excel-form');
  if (excel) excel.addEventListener('submit', function (e) {
    if (!document.getElementById('excel-file').value) { e.preventDefault(); status('请先选择填好的 Excel 填报表（.xlsx）', true); return; }
    if (Object.keys(typed).length && !window.confirm('导入会用填报表中的内容替换本页已填写的内容。确定导入吗？')) { e.preventDefault(); return; }
    leaving = true;
  });

  stocks();
  recompute();
  check();
})();
