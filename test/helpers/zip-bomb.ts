// A zip bomb for the readers' caps: one entry of `mib` MiB of "A" that weighs
// about 1,000 times less zipped. Built without deflating all of it: a DEFLATE
// block that ends on a sync flush ends on a byte boundary, and once the
// window holds only "A" every further MiB deflates to the same bytes, so that
// block repeated inflates to one more MiB each time.
import { Deflate } from "fflate";
import { concat } from "../../src/screening/parsers/stream";

export function zipBomb(mib: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const deflate = new Deflate({ level: 1 }, (chunk) => parts.push(chunk));
  const oneMib = new Uint8Array(1 << 20).fill(0x41);
  const block = () => {
    deflate.push(oneMib);
    deflate.flush(true);
    return concat(parts.splice(0));
  };
  const first = block();
  block(); // the window fills with "A"
  const steady = block();
  deflate.push(new Uint8Array(0), true);
  const end = concat(parts.splice(0));
  const data = concat([first, ...Array<Uint8Array>(mib - 1).fill(steady), end]);

  const name = new TextEncoder().encode("bomba.csv");
  const header = new Uint8Array(30 + name.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x04034b50, true); // local file header
  view.setUint16(4, 20, true); // version needed
  view.setUint16(8, 8, true); // DEFLATE
  view.setUint32(14, 0, true); // CRC-32: left at 0, the readers here never check it
  view.setUint32(18, data.length, true);
  view.setUint32(22, mib * (1 << 20), true);
  view.setUint16(26, name.length, true);
  header.set(name, 30);
  return concat([header, data]);
}
