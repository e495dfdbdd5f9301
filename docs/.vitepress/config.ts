import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';
import { devPorts } from '../../dev-ports';
import { codeLinksPlugin, repositoryBaseUrl } from './code-links';
import { LESSONS } from './lessons';

/**
 * Where `pnpm dev` runs this site and the broker (`dev-ports.ts`); the labs reach the broker at
 * `/ws` on the page's own origin.
 */
const ports = devPorts();
const BROKER = `http://localhost:${ports.broker}`;
const repository = repositoryBaseUrl();

/**
 * The lessons as a site, served by the broker at `/docs/` in production and through the landing
 * page's dev server (one URL) in development. The Markdown stays readable as it is in `docs/`:
 * `README.md` becomes the home page, and links out of `docs/` lead to the code (see code-links.ts).
 */
export default defineConfig({
  title: 'Stomping Ground lessons',
  titleTemplate: ':title · Stomping Ground',
  description:
    'Realtime messaging over STOMP and WebSocket, one concept at a time, with live labs on a real broker.',
  lang: 'en',
  base: '/docs/',
  outDir: 'dist',
  cacheDir: '.vitepress/cache',
  srcExclude: ['node_modules/**', 'dist/**', 'e2e/**', 'test-results/**', 'screenshots/**'],
  rewrites: { 'README.md': 'index.md' },
  // The "Try it" steps of the local checkout name the dev servers on localhost.
  ignoreDeadLinks: 'localhostLinks',
  appearance: 'force-dark',
  lastUpdated: false,
  cleanUrls: false,
  head: [
    ['link', { rel: 'icon', href: 'data:,' }],
    ['meta', { name: 'theme-color', content: '#0b0f14' }],
  ],
  markdown: {
    theme: 'github-dark',
    config: (md) => codeLinksPlugin(md),
  },
  themeConfig: {
    siteTitle: 'Stomping Ground · lessons',
    // The demos and the landing page are beside the site, not under its base: see DemoLinks.vue.
    nav: [{ text: 'Lessons', link: '/' }],
    sidebar: [
      {
        text: 'Lessons, in order',
        items: LESSONS.map((lesson, index) => ({
          text: `${index + 1}. ${lesson.title}`,
          link: `/${lesson.file}`,
        })),
      },
    ],
    outline: { level: [2, 3], label: 'On this page' },
    search: { provider: 'local' },
    docFooter: { prev: 'Previous lesson', next: 'Next lesson' },
    ...(repository === ''
      ? {}
      : { editLink: { pattern: `${repository}docs/:path`, text: 'Open in the repository' } }),
    footer: { message: 'Every lab on these pages talks to the real broker that serves them.' },
  },
  vite: {
    resolve: {
      alias: { '@labs': fileURLToPath(new URL('./theme/labs', import.meta.url)) },
    },
    server: {
      port: ports.lessons,
      strictPort: true,
      // Opened directly (not through the landing dev server), the labs still find the broker.
      proxy: {
        '/ws': { target: BROKER, ws: true },
        '/lab': { target: BROKER, ws: true },
        '/healthz': { target: BROKER },
      },
    },
    build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  },
});
