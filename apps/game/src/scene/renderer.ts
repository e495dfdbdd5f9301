/**
 * Which WebGL this browser has. Where there is no GPU (a headless browser, a machine without a
 * graphics driver) WebGL is emulated in software (SwiftShader, llvmpipe), and every frame is drawn
 * by the CPU and then copied back for the page: the main thread, which also runs the netcode,
 * spends most of its time on it. There the page draws at 30 frames a second without antialiasing,
 * on a canvas of fixed, modest size that the browser scales up, so inputs still leave on time.
 */

export interface RendererInfo {
  /** The GPU's name as WebGL reports it, or undefined when WebGL is missing or won't say. */
  readonly name: string | undefined;
  readonly software: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|lavapipe/i;

export function detectRenderer(): RendererInfo {
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return { name: undefined, software: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { name, software: SOFTWARE.test(name) };
  } catch {
    return { name: undefined, software: false };
  }
}
