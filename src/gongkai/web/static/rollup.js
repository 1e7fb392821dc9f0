// Roll-up dashboard charts (ECharts, served from /static/vendor).
(function () {
  var el = document.getElementById('chart-data');
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var font = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
  var palette = ['#9b1c1c', '#d9822b', '#1f4e78', '#4a8c5c', '#7b5ea7', '#8a8a8a'];
  function make(id, option) {
    var box = document.querySelector('#' + id + ' .canvas');
    if (!box) return;
    var chart = echarts.init(box, null, { renderer: 'svg' });
    option.textStyle = { fontFamily: font };
    option.color = palette;
    option.animation = false;
    chart.setOption(option);
    window.addEventListener('resize', function () { chart.resize(); });
  }
  make('chart-outcome', {
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { orient: 'vertical', left: 0, top: 'middle' },
    series: [{ type: 'pie', radius: ['38%', '68%'], center: ['62%', '52%'], label: { formatter: '{b}\n{c}' },
               data: data.outcome.filter(function (d) { return d.value > 0; }) }]
  });
  make('chart-applicants', {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: data.applicants.map(function (d) { return d.name; }), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', barMaxWidth: 42, data: data.applicants.map(function (d) { return d.value; }),
               label: { show: true, position: 'top' } }]
  });
  var years = data.trend.years.map(function (y) { return y + '年'; });
  make('chart-trend', {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: years },
    yAxis: [{ type: 'value', name: '件', minInterval: 1 }, { type: 'value', name: '报送机关', minInterval: 1 }],
    series: data.trend.series.map(function (s) {
      return { name: s.name, type: 'line', data: s.data, connectNulls: true, symbolSize: 7 };
    }).concat([{ name: '报送机关数', type: 'bar', yAxisIndex: 1, data: data.trend.coverage, barMaxWidth: 28,
                 itemStyle: { opacity: 0.25 } }])
  });
})();
