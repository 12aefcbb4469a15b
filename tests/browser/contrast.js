// Contrast of the elements axe-core could not judge (SVG text, text over pseudo-elements):
// text colour (fill for SVG) against the backgrounds of its ancestors, composited.
(selectors) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "rgba(0, 0, 0, 0)";
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return { r, g, b, a: a / 255 };
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    const canvasWhite = { r: 255, g: 255, b: 255, a: 1 };
    return layers.reverse().reduce((below, top) => over(top, below), canvasWhite);
  };
  const luminance = ({ r, g, b }) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const hex = ({ r, g, b }) =>
    "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    if (!element) return { selector, missing: true };
    const style = getComputedStyle(element);
    const behind = background(element);
    const fg = over(rgba(element instanceof SVGElement ? style.fill : style.color), behind);
    const [light, dark] = [luminance(fg), luminance(behind)].sort((x, y) => y - x);
    const size = parseFloat(style.fontSize);
    const bold = parseInt(style.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    return {
      selector,
      text: (element.textContent || "").trim().slice(0, 60),
      foreground: hex(fg),
      background: hex(behind),
      ratio: Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100,
      required: large ? 3 : 4.5,
    };
  });
}
