import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// The production server serves dist/ on the same origin as the API, so the app uses relative
// URLs; in development Vite forwards them to a locally running `boxoffice serve`.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/health': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    // The unit tests cover pure functions only, so no DOM emulation is needed.
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
