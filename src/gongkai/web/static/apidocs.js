// The API's operations listed from /openapi.json (served by this server).
(function () {
  var box = document.getElementById('api');
  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (spec) {
    Object.keys(spec.paths).forEach(function (path) {
      var ops = spec.paths[path];
      Object.keys(ops).forEach(function (m) {
        var op = ops[m], div = document.createElement('div');
        div.className = 'op';
        var head = document.createElement('div');
        var meth = document.createElement('span'); meth.className = 'm'; meth.textContent = m.toUpperCase();
        var code = document.createElement('code'); code.textContent = path;
        var sum = document.createElement('b'); sum.textContent = '  ' + (op.summary || '');
        head.appendChild(meth); head.appendChild(code); head.appendChild(sum);
        var p = document.createElement('p'); p.className = 'small muted'; p.textContent = op.description || '';
        div.appendChild(head); div.appendChild(p); box.appendChild(div);
      });
    });
  });
})();
