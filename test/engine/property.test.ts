import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { captureDisk, LocalChunkStore, restoreDisk } from '../../src/engine/index.ts';
import { fileSize, KiB, MiB, type Region, sha256File, writeDisk } from '../helpers/disk-images.ts';
import { TempDirs } from './helpers.ts';

const temp = new TempDirs();
afterAll(async () => {
  await temp.cleanup();
});

interface Layout {
  size: number;
  regions: Region[];
}

const MAX_SIZE = 3 * MiB;

/** Sizes cluster around chunk boundaries now and then, where off-by-one mistakes live. */
const sizeArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_SIZE }),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 2 }))
    .map(([n, d]) => Math.max(0, n * MiB + d)),
  fc
    .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -1, max: 1 }))
    .map(([n, d]) => Math.max(0, n * 64 * KiB + d)),
);

function regionArb(size: number): fc.Arbitrary<Region> {
  const offset = fc.integer({ min: 0, max: Math.max(0, size - 1) });
  const length = fc.oneof(fc.integer({ min: 1, max: 4 * KiB }), fc.integer({ min: 1, max: 768 * KiB }));
  return fc.oneof(
    fc.record({
      kind: fc.constant('random' as const),
      offset,
      length,
      seed: fc.integer({ min: 1, max: 2 ** 31 }),
    }),
    fc.record({ kind: fc.constant('fill' as const), offset, length, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('hole' as const), offset, length }),
  );
}

const layoutArb = (maxSize: fc.Arbitrary<number>): fc.Arbitrary<Layout> =>
  maxSize.chain((size) =>
    fc.record({ size: fc.constant(size), regions: fc.array(regionArb(size), { maxLength: 8 }) }),
  );

const chunkSizeArb = fc.constantFrom(4096, 64 * KiB, 1 * MiB);
const otherSizeArb = fc.integer({ min: 0, max: MAX_SIZE + 512 * KiB });

describe('property: any disk layout survives capture → restore', () => {
  it('onto a new file and onto a file with other content and size', async () => {
    await fc.assert(
      fc.asyncProperty(
        layoutArb(sizeArb),
        layoutArb(otherSizeArb),
        chunkSizeArb,
        async (image, other, chunkSize) => {
          const dir = await temp.make('engine-prop-');
          const store = new LocalChunkStore(path.join(dir, 'store'));
          const source = path.join(dir, 'source.img');
          await writeDisk(source, image.size, image.regions);
          const hash = await sha256File(source);
          const { manifest } = await captureDisk({
            store,
            namespace: 'p',
            snapshotId: 's',
            diskPath: source,
            chunkSize,
          });
          expect(manifest.imageSize).toBe(image.size);

          const fresh = path.join(dir, 'fresh.img');
          await restoreDisk({ store, namespace: 'p', snapshotId: 's', diskPath: fresh });
          expect(await fileSize(fresh)).toBe(image.size);
          expect(await sha256File(fresh)).toBe(hash);

          const used = path.join(dir, 'used.img');
          await writeDisk(used, other.size, other.regions);
          await restoreDisk({ store, namespace: 'p', snapshotId: 's', diskPath: used });
          expect(await fileSize(used)).toBe(image.size);
          expect(await sha256File(used)).toBe(hash);

          // Restoring onto the now identical disk changes nothing.
          const again = await restoreDisk({ store, namespace: 'p', snapshotId: 's', diskPath: used });
          expect(again.chunksWritten).toBe(0);
          await temp.cleanup();
        },
      ),
      { numRuns: 25 },
    );
  });
});
