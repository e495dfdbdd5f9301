// VitePress's lesson typography (vp-doc.css) stays out of any `.vp-raw` element: the labs and the
// frame inspector inside them style themselves.
import { postcssIsolateStyles } from 'vitepress';

export default {
  plugins: [postcssIsolateStyles({ includeFiles: [/vp-doc\.css/] })],
};
