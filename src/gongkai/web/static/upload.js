// Upload page: show the chosen or dropped files; one submit at a time.
(function () {
  var drop = document.getElementById('drop');
  var input = document.getElementById('files');
  var list = document.getElementById('drop-list');
  var form = document.getElementById('upload-form');
  if (!drop || !input) return;
  function show() {
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    list.textContent = names.length ? '已选择 ' + names.length + ' 个文件：' + names.join('、') : '';
  }
  input.addEventListener('change', show);
  ['dragenter', 'dragover'].forEach(function (e) {
    drop.addEventListener(e, function () { drop.classList.add('over'); });
  });
  ['dragleave', 'drop'].forEach(function (e) {
    drop.addEventListener(e, function () { drop.classList.remove('over'); });
  });
  drop.addEventListener('drop', function () { setTimeout(show, 0); });
  form.addEventListener('submit', function (ev) {
    if (!input.files.length) { ev.preventDefault(); list.textContent = '请先选择文件。'; return; }
    var b = document.getElementById('upload-button');
    b.disabled = true; b.textContent = '正在读取和审核……';
  });
})();
