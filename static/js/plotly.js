// plotly.js loads asynchronously (it is big); whatever draws with it waits here.

let ready = null;

export function plotlyReady() {
  if (ready) return ready;
  if (window.Plotly) return (ready = Promise.resolve(window.Plotly));
  const script = document.getElementById("plotly-script");
  ready = new Promise((resolve, reject) => {
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error("plotly.js did not load")));
  });
  return ready;
}
