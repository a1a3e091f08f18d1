// Compare's chart: both runs' curves. Two runs with the same loss share one loss axis;
// runs with different losses (only classification offers a choice) are compared by
// accuracy, and each loss gets its own axis, since their values do not measure on one scale.

const THIS = "#2c3035";
const OTHER = "#f59322";
const FONT = { size: 10 };

export const noSeries = () => ({ x: [], train: [], test: [], trainAccuracy: [], testAccuracy: [] });

// Add a frame's new history rows to a run's series.
export function addRows(series, rows) {
  for (const r of rows) {
    if (series.x.length && r.epoch <= series.x[series.x.length - 1]) continue;
    series.x.push(r.epoch);
    series.train.push(r.train_loss);
    series.test.push(r.test_loss);
    series.trainAccuracy.push(r.train_accuracy);
    series.testAccuracy.push(r.test_accuracy);
  }
}

// Why the losses are not set side by side, or "" when they can be.
export function lossNote([mine, theirs]) {
  if (mine === theirs) return "";
  return `The runs use different losses (${mine} in this run, ${theirs} in the comparison run). Their values measure on different scales, so the smaller one is not the better fit: the chart compares the runs by accuracy, and each loss has its own axis below it.`;
}

// Fresh arrays each time: Plotly.react redraws only the data it sees change.
function line(s, key, name, color, dash, axis = "y", showlegend = true) {
  return { x: [...s.x], y: [...s[key]], name, mode: "lines", yaxis: axis, showlegend, line: { color, dash, width: 1.6 } };
}

// Both runs' curves by kind ("" for the losses, "Accuracy" for the accuracies) on one axis.
function pair({ a, b }, kind, axis, showlegend = true) {
  const key = (split) => (kind ? `${split}${kind}` : split);
  return [
    line(a, key("train"), "this run, train", THIS, "solid", axis, showlegend),
    line(a, key("test"), "this run, test", THIS, "dot", axis, showlegend),
    line(b, key("train"), "comparison, train", OTHER, "solid", axis, showlegend),
    line(b, key("test"), "comparison, test", OTHER, "dot", axis, showlegend),
  ];
}

// series: {a, b}, the two runs; losses: [this run's, the comparison's].
export function drawCompareCurves(Plotly, element, series, losses) {
  const layout = { margin: { l: 38, r: 8, t: 8, b: 24 }, legend: { font: { size: 9 } }, paper_bgcolor: "rgba(0,0,0,0)" };
  const config = { displayModeBar: false, responsive: true };
  if (losses[0] === losses[1]) {
    Plotly.react(element, pair(series, "", "y"), { ...layout, yaxis: { title: { text: "loss", font: FONT } } }, config);
    return;
  }
  // This run's loss on the left axis, the comparison's on the right.
  const lossLines = pair(series, "", "y2", false);
  lossLines.slice(2).forEach((trace) => (trace.yaxis = "y3"));
  Plotly.react(
    element,
    [...pair(series, "Accuracy", "y"), ...lossLines],
    {
      ...layout,
      margin: { ...layout.margin, r: 38 },
      yaxis: { title: { text: "accuracy", font: FONT }, domain: [0.55, 1], range: [0, 1.02], tickformat: ".0%" },
      yaxis2: { title: { text: losses[0], font: FONT }, domain: [0, 0.42], color: THIS },
      yaxis3: { title: { text: losses[1], font: FONT }, overlaying: "y2", side: "right", color: OTHER },
    },
    config,
  );
}
