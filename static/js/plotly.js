// plotly.js is big, so it is fetched only when first asked for (once the boundary is on the
// screen); whatever draws with it waits here.

let ready = null;

export function plotlyReady() {
  if (ready) return ready;
  if (window.Plotly) return (ready = Promise.resolve(window.Plotly));
  const script = document.createElement("script");
  script.src = `${document.body.dataset.static}/vendor/plotly.min.js`;
  script.async = true;
  ready = new Promise((resolve, reject) => {
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error("plotly.js did not load")));
  });
  document.head.append(script);
  return ready;
}
