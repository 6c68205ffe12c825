import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** Issue 19: the workspace's JavaScript + CSS at most 250 KB compressed (gzip, as a browser receives it). */
const BUDGET_BYTES = 250 * 1024;

describe('the workspace bundle', () => {
  it('ships one script and one stylesheet under the size budget, named by their content', () => {
    execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'ignore' });
    const html = readFileSync('web/dist/index.html', 'utf8');
    const files = [...html.matchAll(/"\/app\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(files.map((f) => f.replace(/-[A-Z0-9]{8}\./, '-HASH.')).sort()).toEqual([
      'assets/main-HASH.css',
      'assets/main-HASH.js',
    ]);
    const sizes = files.map((f) => gzipSync(readFileSync(join('web/dist', f)), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    console.info(
      `workspace JS + CSS: ${files.map((f, i) => `${f} ${sizes[i]} B`).join(', ')}; total ${total} B gzip`,
    );
    expect(total).toBeGreaterThan(10_000);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
    // Nothing inline that the page's policy would refuse.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=/);
  });
});
