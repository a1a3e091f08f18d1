// The comparison run's network diagram: the same drawing as the big one, without
// editing, so a penalty's vanished connections can be counted there too.

import { decodeNeurons } from "../frames.js";
import { el } from "../helpers.js";
import { NetworkDiagram } from "../network.js";

export class CompareNetwork {
  // labels: name -> label of each input feature.
  constructor(root, labels) {
    this.el = el("div", { className: "network compare-network", testid: "compare-network" });
    root.append(this.el);
    this.diagram = new NetworkDiagram(this.el, {}, labels);
    this.diagram.zerosTestId = "compare-zero-weights";
  }

  // A frame carries the run's config whenever it changed, and before its first weights.
  onFrame(frame) {
    if (frame.config) this.follow(frame.config);
    if (frame.weights && this.diagram.shape) this.diagram.update(frame.weights.layers, decodeNeurons(frame.neurons), null);
  }

  follow(config) {
    const classes = config.dataset.classes;
    this.diagram.countZeros = config.regularization.kind === "l1";
    this.diagram.build(config.features, config.hidden_layers, classes && classes > 2 ? classes : 1);
  }
}
